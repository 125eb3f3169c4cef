package io.accountlifecycle.service.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL lets no role in without its password, on the socket or over TCP, from the first start;
 * a cluster an earlier version initialised with trust authentication is converted at its next start.
 */
class EmbeddedPostgresPasswordsIT {

    @TempDir
    Path dataDir;

    private EmbeddedPostgresProperties properties() {
        return new EmbeddedPostgresProperties(dataDir.resolve("postgres"), 0, "accounts", "account_owner",
                                              dataDir.resolve("keys"));
    }

    @Test
    void aNewClusterAsksEveryRoleForItsPasswordOnTheSocketAndOverTcp() throws Exception {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(properties())) {
            createApplicationRoleAsTheMigrationsWould(server);
            assertOnlyPasswordsOpenIt(server);
        }
        assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf"))).doesNotContain("trust");
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("keys")))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (String role : List.of("postgres", "account_owner", "account_app")) {
            Path file = dataDir.resolve("keys/db-" + role + ".password");
            assertThat(Files.getPosixFilePermissions(file)).as(file.toString())
                                                           .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(Files.list(dataDir.resolve("keys")).map(p -> p.getFileName().toString()).toList())
                .as("initdb's password file is gone").allMatch(name -> name.endsWith(".password"));

        try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(properties())) {
            assertOnlyPasswordsOpenIt(again);
        }
    }

    @Test
    void aClusterInitialisedWithTrustIsConvertedAtItsNextStart() throws Exception {
        Path pgData = dataDir.resolve("postgres");
        // What an earlier version left: zonky's initdb (-A trust), roles without passwords.
        LegacyDataFolder.trustingPostgres(pgData, "create role account_app login");
        assertThat(EmbeddedPostgresServer.trusts(pgData.resolve("pg_hba.conf"))).isTrue();

        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(properties())) {
            assertOnlyPasswordsOpenIt(server);
        }
        assertThat(EmbeddedPostgresServer.trusts(pgData.resolve("pg_hba.conf"))).isFalse();
    }

    private void createApplicationRoleAsTheMigrationsWould(EmbeddedPostgresServer server) throws SQLException {
        try (Connection owner = DriverManager.getConnection(server.jdbcUrl(), "account_owner", server.ownerPassword());
             Statement statement = owner.createStatement()) {
            statement.execute("create role account_app login password '" + server.applicationPassword() + "'");
        }
    }

    private void assertOnlyPasswordsOpenIt(EmbeddedPostgresServer server) throws Exception {
        Map<String, String> passwords = new HashMap<>();
        passwords.put("postgres", Files.readString(dataDir.resolve("keys/db-postgres.password")).strip());
        passwords.put("account_owner", server.ownerPassword());
        passwords.put("account_app", server.applicationPassword());
        String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/accounts";
        String socketDirectory;
        try (Connection superuser = DriverManager.getConnection(url, "postgres", passwords.get("postgres"));
             ResultSet rules = superuser.createStatement().executeQuery(
                     "select type, auth_method from pg_hba_file_rules where error is null")) {
            List<String> seen = new ArrayList<>();
            while (rules.next()) {
                seen.add(rules.getString(1) + " " + rules.getString(2));
            }
            assertThat(seen).contains("local scram-sha-256", "host scram-sha-256")
                            .allMatch(rule -> rule.endsWith(" scram-sha-256"));
            ResultSet socket = superuser.createStatement().executeQuery("show unix_socket_directories");
            socket.next();
            socketDirectory = socket.getString(1).split(",")[0].trim();
        }
        for (Map.Entry<String, String> role : passwords.entrySet()) {
            String name = role.getKey();
            assertThatThrownBy(() -> DriverManager.getConnection(url, name, "").close()).as(name + " without")
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(url, name, "wrong").close()).as(name + " wrong")
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            DriverManager.getConnection(url, name, role.getValue()).close();

            assertThat(psql(socketDirectory, server.port(), name, null)).as(name + " on the socket, no password")
                                                                         .isNotZero();
            assertThat(psql(socketDirectory, server.port(), name, "wrong")).as(name + " on the socket, wrong")
                                                                            .isNotZero();
            assertThat(psql(socketDirectory, server.port(), name, role.getValue())).as(name + " on the socket")
                                                                                   .isZero();
        }
    }

    /** psql over the Unix socket (the PostgreSQL client the README's prerequisites list). */
    private static int psql(String socketDirectory, int port, String user, String password) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("psql", "-w", "-h", socketDirectory, "-p", Integer.toString(port),
                                                    "-U", user, "-d", "accounts", "-c", "select 1")
                .redirectErrorStream(true);
        builder.environment().remove("PGPASSWORD");
        builder.environment().put("PGPASSFILE", "/dev/null");
        if (password != null) {
            builder.environment().put("PGPASSWORD", password);
        }
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
