package io.accountlifecycle.service.embedded;

import io.accountlifecycle.service.secrets.SecretFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real PostgreSQL from zonky's binaries, with its cluster in a folder that survives restarts and crashes.
 * Durability is switched back on (zonky turns fsync and synchronous commit off for tests), and a postmaster orphaned
 * by a killed JVM is stopped first: zonky would otherwise silently adopt it with its old settings.
 *
 * <p>No role reaches it without its password. zonky's own {@code initdb} trusts every local connection, so the
 * cluster is initialised here instead, with {@code scram-sha-256} and a generated superuser password; every role
 * (the superuser, the owner that runs the migrations, the application role) has its own generated password in an
 * owner-only file under {@code keys/}, and {@code pg_hba.conf} lists no {@code trust} line, for the socket and TCP
 * alike. A cluster initialised by an earlier version (with trust) is converted at its next start.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    /** The role the application runs as; created by the migrations (V4), never by hand. */
    public static final String APPLICATION_ROLE = "account_app";
    public static final String SUPERUSER = "postgres";

    /** Durability back on (zonky turns fsync and synchronous commit off for tests), a connection limit, SCRAM. */
    static final Map<String, String> OWN_SETTINGS = Map.of("fsync", "on", "synchronous_commit", "on",
                                                           "full_page_writes", "on", "max_connections", "100",
                                                           "password_encryption", "scram-sha-256");

    /** Every connection, on the socket and over TCP, authenticates with its role's password; nothing else. */
    static final String PG_HBA = """
            # account-service: every role authenticates with its password (scram-sha-256), on the socket and over TCP.
            # Generated passwords are in the data folder's keys/ (owner-only); see the README, "The database as its owner".
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 scram-sha-256
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """;

    private final EmbeddedPostgres postgres;
    private final EmbeddedPostgresProperties properties;
    private final DatabasePasswords passwords;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, EmbeddedPostgresProperties properties,
                                   DatabasePasswords passwords) {
        this.postgres = postgres;
        this.properties = properties;
        this.passwords = passwords;
    }

    public static EmbeddedPostgresServer start(EmbeddedPostgresProperties properties) {
        Path dataDirectory = properties.dataDirectory().toAbsolutePath().normalize();
        DatabasePasswords passwords = DatabasePasswords.in(properties.keysDirectory(), properties.ownerRole());
        try {
            Files.createDirectories(dataDirectory);
            stopOrphanedPostmaster(dataDirectory);
            boolean fresh = !Files.exists(dataDirectory.resolve("postgresql.conf"));
            if (fresh) {
                initialise(dataDirectory, passwords);
            }
            boolean trusting = !fresh && trusts(dataDirectory.resolve("pg_hba.conf"));
            if (!fresh && !trusting && passwords.superuserCreated()) {
                throw new IllegalStateException("The embedded PostgreSQL in " + dataDirectory
                        + " requires passwords, but its superuser's password file was missing and a new one was "
                        + "generated: restore " + passwords.superuserFile() + " from the backup of the data folder.");
            }
            // Configured settings (account.embedded.postgres.settings, which cannot name the service's own), then
            // the service's own.
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            properties.settings().forEach(builder::setServerConfig);
            OWN_SETTINGS.forEach(builder::setServerConfig);
            EmbeddedPostgres postgres = builder.setDataDirectory(dataDirectory)
                                               .setCleanDataDirectory(false)
                                               .setPort(properties.port())
                                               .setRegisterShutdownHook(false)
                                               .setConnectConfig("password", passwords.superuser())
                                               .setPGStartupWait(Duration.ofSeconds(60))
                                               .start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, properties, passwords);
            if (trusting) {
                server.convertFromTrust(dataDirectory);
            }
            server.bootstrapDatabase();
            log.info("Embedded PostgreSQL listening on localhost:{} (database {}, data in {}, passwords in {})",
                     properties.port(), properties.database(), dataDirectory, passwords.folder());
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

    public String ownerPassword() {
        return passwords.owner();
    }

    public String applicationPassword() {
        return passwords.application();
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /**
     * {@code initdb} with password authentication from the first moment: the superuser's password comes from a file
     * only the owner can read (removed afterwards), so there is never a window in which the cluster trusts anyone.
     */
    private static void initialise(Path dataDirectory, DatabasePasswords passwords) throws IOException {
        Path binaries = ZonkyBinaries.directory();
        Path passwordFile = passwords.folder().resolve(".initdb-" + ProcessHandle.current().pid());
        SecretFiles.write(passwordFile, passwords.superuser() + "\n");
        try {
            List<String> command = new ArrayList<>();
            if (LinuxUtils.isUnshareAvailable()) {
                command.addAll(List.of("unshare", "-U")); // initdb refuses to run as root; zonky does the same
            }
            command.addAll(List.of(binaries.resolve("bin/initdb").toString(), "-A", "scram-sha-256",
                                   "-U", SUPERUSER, "--pwfile=" + passwordFile, "-D", dataDirectory.toString(),
                                   "-E", "UTF-8"));
            Process initdb = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(initdb.getInputStream().readAllBytes());
            if (initdb.waitFor() != 0) {
                throw new IllegalStateException("initdb failed in " + dataDirectory + ":\n" + output);
            }
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), PG_HBA);
            log.info("Initialised a new PostgreSQL cluster in {} (scram-sha-256 for every role)", dataDirectory);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while initialising " + dataDirectory, e);
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }

    /** Whether {@code pg_hba.conf} has a line (not a comment) that lets a connection in without a password. */
    static boolean trusts(Path hba) throws IOException {
        if (!Files.exists(hba)) {
            return false;
        }
        return Files.readAllLines(hba).stream()
                    .map(line -> line.replaceFirst("#.*", "").trim())
                    .filter(line -> !line.isEmpty())
                    .map(line -> line.split("\\s+"))
                    .anyMatch(fields -> List.of(fields).contains("trust"));
    }

    /**
     * A cluster from before (initdb's trust): every role gets its password first, then {@code pg_hba.conf} is
     * replaced and reloaded, so the service never locks itself out half-way.
     */
    private void convertFromTrust(Path dataDirectory) throws IOException {
        try (Connection connection = superuserConnection("postgres");
             Statement statement = connection.createStatement()) {
            statement.execute("alter role " + SUPERUSER + " password " + literal(passwords.superuser()));
            setPasswordIfExists(connection, properties.ownerRole(), passwords.owner());
            setPasswordIfExists(connection, APPLICATION_ROLE, passwords.application());
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), PG_HBA);
            statement.execute("select pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot convert the embedded PostgreSQL in " + dataDirectory
                                            + " to password authentication", e);
        }
        log.warn("Converted the embedded PostgreSQL in {} from trust to scram-sha-256: every role now needs its "
                 + "password (in {})", dataDirectory, passwords.folder());
    }

    /**
     * Creates the owner role and the database at first start; sets the owner's and the application role's
     * passwords from their files every time (a file restored from a backup wins; roles are per cluster).
     */
    private void bootstrapDatabase() {
        try (Connection connection = superuserConnection("postgres");
             Statement statement = connection.createStatement()) {
            if (!exists(connection, "select 1 from pg_roles where rolname = ?", properties.ownerRole())) {
                statement.execute("create role " + quoteIdent(properties.ownerRole()) + " login createrole password "
                                  + literal(passwords.owner()));
            } else {
                setPasswordIfExists(connection, properties.ownerRole(), passwords.owner());
            }
            // Created by the migrations, which set this same password; set here for a cluster converted from trust.
            setPasswordIfExists(connection, APPLICATION_ROLE, passwords.application());
            if (!exists(connection, "select 1 from pg_database where datname = ?", properties.database())) {
                statement.execute("create database " + quoteIdent(properties.database())
                                  + " owner " + quoteIdent(properties.ownerRole()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the service's role and database", e);
        }
    }

    private Connection superuserConnection(String database) throws SQLException {
        return postgres.getDatabase(SUPERUSER, database).getConnection();
    }

    private static void setPasswordIfExists(Connection connection, String role, String password) throws SQLException {
        if (exists(connection, "select 1 from pg_roles where rolname = ?", role)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("alter role " + quoteIdent(role) + " password " + literal(password));
            }
        }
    }

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

    /** Generated passwords are URL-safe Base64; quoted all the same. */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
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
