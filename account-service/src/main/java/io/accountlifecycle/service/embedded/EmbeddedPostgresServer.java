package io.accountlifecycle.service.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A real PostgreSQL from zonky's binaries, with its cluster in a folder that survives restarts and crashes.
 * Durability is switched back on (zonky turns fsync and synchronous commit off for tests), and a postmaster orphaned
 * by a killed JVM is stopped first: zonky would otherwise silently adopt it with its old settings.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    /** The role the application runs as; created by the migrations (V4), never by hand. */
    public static final String APPLICATION_ROLE = "account_app";

    private final EmbeddedPostgres postgres;
    private final EmbeddedPostgresProperties properties;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, EmbeddedPostgresProperties properties) {
        this.postgres = postgres;
        this.properties = properties;
    }

    public static EmbeddedPostgresServer start(EmbeddedPostgresProperties properties) {
        Path dataDirectory = properties.dataDirectory().toAbsolutePath().normalize();
        try {
            Files.createDirectories(dataDirectory);
            stopOrphanedPostmaster(dataDirectory);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                                                        .setDataDirectory(dataDirectory)
                                                        .setCleanDataDirectory(false)
                                                        .setPort(properties.port())
                                                        .setRegisterShutdownHook(false)
                                                        .setServerConfig("fsync", "on")
                                                        .setServerConfig("synchronous_commit", "on")
                                                        .setServerConfig("full_page_writes", "on")
                                                        .setServerConfig("max_connections", "100")
                                                        .setPGStartupWait(Duration.ofSeconds(60))
                                                        .start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, properties);
            server.bootstrapDatabase();
            server.requirePasswordsOfAnalysts(dataDirectory);
            log.info("Embedded PostgreSQL listening on localhost:{} (database {}, data in {})",
                     properties.port(), properties.database(), dataDirectory);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /** The database's URL, without a user: each connection names its own role. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + properties.database();
    }

    public String ownerRole() {
        return properties.ownerRole();
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /** Creates the owner role and the database at first start; a no-op afterwards (roles are per cluster). */
    private void bootstrapDatabase() {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            if (!exists(connection, "select 1 from pg_roles where rolname = ?", properties.ownerRole())) {
                statement.execute("create role " + quoteIdent(properties.ownerRole()) + " login createrole");
            }
            if (!exists(connection, "select 1 from pg_database where datname = ?", properties.database())) {
                statement.execute("create database " + quoteIdent(properties.database())
                                  + " owner " + quoteIdent(properties.ownerRole()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the service's role and database", e);
        }
    }

    /**
     * The embedded cluster trusts loopback connections (the service's own roles have no password there), except the
     * analyst role's: analysts log in with {@code account.db.analyst-password}, as on a production cluster.
     */
    private void requirePasswordsOfAnalysts(Path dataDirectory) throws IOException {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        String current = Files.readString(hba);
        if (current.contains(ANALYST_HBA)) {
            return;
        }
        Files.writeString(hba, ANALYST_HBA + current);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("select pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reload pg_hba.conf", e);
        }
    }

    private static final String ANALYST_HBA = """
            # account-service: analysts authenticate by password
            local all analyst scram-sha-256
            host all analyst 127.0.0.1/32 scram-sha-256
            host all analyst ::1/128 scram-sha-256
            """;

    private static boolean exists(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static String quoteIdent(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * After {@code kill -9} of the JVM the postmaster lives on: stop it (fast shutdown, like {@code pg_ctl -m fast})
     * so this start applies its own settings. A lock file naming a dead or foreign process is stale: remove it.
     */
    static void stopOrphanedPostmaster(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        Optional<Long> pid = readPid(pidFile);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || isZombie(pid.get()) || !isPostgres(process.get())) {
            // PostgreSQL itself would treat a zombie (killed, never reaped) as alive and refuse to start.
            log.info("Removing stale {} (process {} is not a running postgres)", pidFile, pid.get());
            Files.deleteIfExists(pidFile);
            return;
        }
        log.warn("A postmaster (pid {}) from an earlier run still holds {}: stopping it", pid.get(), dataDirectory);
        try {
            new ProcessBuilder(List.of("kill", "-INT", Long.toString(pid.get()))).inheritIO().start().waitFor();
            // The postmaster removes its lock file last; an unreaped orphan may linger as a zombie after that.
            Instant deadline = Instant.now().plusSeconds(60);
            while (Files.exists(pidFile) && process.get().isAlive() && !isZombie(pid.get())
                   && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping the orphaned postmaster", e);
        }
        if (Files.exists(pidFile) && process.get().isAlive() && !isZombie(pid.get())) {
            throw new IllegalStateException("The postmaster " + pid.get() + " of " + dataDirectory
                                            + " did not stop within 60 s; stop it by hand and start again.");
        }
    }

    private static Optional<Long> readPid(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int afterName = stat.lastIndexOf(')');
            return afterName > 0 && stat.length() > afterName + 2 && stat.charAt(afterName + 2) == 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isPostgres(ProcessHandle process) {
        Path comm = Path.of("/proc", Long.toString(process.pid()), "comm");
        try {
            if (Files.exists(comm)) {
                return Files.readString(comm).trim().startsWith("postgres");
            }
        } catch (IOException ignored) {
            // fall through to the command line
        }
        return process.info().command().map(command -> command.endsWith("postgres")).orElse(false);
    }
}
