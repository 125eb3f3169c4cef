package io.accountlifecycle.service.security;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.testsupport.RealInfrastructureContextCustomizerFactory;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The service runs as account_app, which can append to the event table and never change or remove a row. */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatabaseRolesIT {

    @Autowired
    JdbcTemplate jdbc;

    private static Connection connectAs(String role) throws SQLException {
        return DriverManager.getConnection(TestInfrastructure.postgres().jdbcUrl("accounts"), role, role);
    }

    @Test
    void theApplicationItselfRunsAsTheLeastPrivilegedRole() {
        assertThat(jdbc.queryForObject("select current_user", String.class))
                .isEqualTo(RealInfrastructureContextCustomizerFactory.APPLICATION_ROLE);
        assertThat(jdbc.queryForObject("select rolsuper from pg_roles where rolname = current_user", Boolean.class))
                .isFalse();
    }

    @Test
    void theApplicationRoleCannotUpdateDeleteOrTruncateEvents() throws SQLException {
        try (Connection app = connectAs("account_app"); Statement statement = app.createStatement()) {
            assertThat(statement.executeQuery("select count(*) from domain_event_entry").next()).isTrue();
            assertThatThrownBy(() -> statement.executeUpdate("update domain_event_entry set type = 'x'"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeUpdate("delete from domain_event_entry"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeUpdate("truncate domain_event_entry"))
                    .hasMessageContaining("permission denied");
        }
    }

    @Autowired
    ConfigurableApplicationContext context;

    @Test
    void triggersRefuseChangesEvenWhereAGrantWouldAllowThem() throws SQLException {
        // Row triggers fire only for rows: make sure there is one, whichever tests ran before.
        assertThat(ServiceInstances.http(context).post("/accounts", HttpJson.openAccountJson(
                UUID.randomUUID(), "rows@example.com", "Rows", "FREE")).status()).isEqualTo(201);
        try (Connection owner = connectAs("account_owner"); Statement statement = owner.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("update domain_event_entry set type = 'x'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> statement.executeUpdate("delete from domain_event_entry"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> statement.executeUpdate("truncate domain_event_entry"))
                    .hasMessageContaining("append-only");
        }
    }

    /** It reads the history to wait for the schema it needs (SchemaGate), and cannot change it. */
    @Test
    void theApplicationRoleReadsTheMigrationHistoryAndCannotChangeIt() throws SQLException {
        try (Connection app = connectAs("account_app"); Statement statement = app.createStatement()) {
            assertThat(statement.executeQuery("select version from flyway_schema_history").next()).isTrue();
            assertThatThrownBy(() -> statement.executeUpdate("update flyway_schema_history set success = false"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeUpdate("delete from flyway_schema_history"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeUpdate("insert into flyway_schema_history (installed_rank, "
                                                             + "description, type, script, installed_by, "
                                                             + "execution_time, success) values (9999, 'x', 'SQL', "
                                                             + "'x', 'x', 0, true)"))
                    .hasMessageContaining("permission denied");
        }
    }
}
