package io.accountlifecycle.service.security;

import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

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
 * The analyst role shares the database with the service, within limits the migrations set from configuration: at
 * most {@code account.db.analyst-connection-limit} sessions (10) and no statement longer than
 * {@code account.db.analyst-statement-timeout} (60 s).
 */
@RealPostgres(database = AnalystLimitsIT.DATABASE)
@RealKafka
@SpringBootTest(properties = "account.kafka.intake.enabled=false")
class AnalystLimitsIT {

    static final String DATABASE = "accounts_analyst_limits";

    @Autowired
    Flyway flyway;

    /** The analyst's password from the tests' configuration ({@code account.db.analyst-password}). */
    private static Connection analyst() throws SQLException {
        return DriverManager.getConnection(TestInfrastructure.postgres().jdbcUrl(DATABASE), "analyst",
                                           "analyst-secret");
    }

    private static String statementTimeout(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet row = sql.executeQuery("show statement_timeout")) {
            row.next();
            return row.getString(1);
        }
    }

    @Test
    void theEleventhAnalystSessionIsRefused() throws SQLException {
        List<Connection> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                sessions.add(analyst());
            }
            assertThatThrownBy(AnalystLimitsIT::analyst).hasMessageContaining("too many connections for role");
        } finally {
            for (Connection session : sessions) {
                session.close();
            }
        }
    }

    @Test
    void anAnalystsStatementIsCancelledPastTheTimeout() throws SQLException {
        try (Connection analyst = analyst()) {
            assertThat(statementTimeout(analyst)).as("the default, 60 s").isEqualTo("1min");
        }

        // The same migrations with the timeout configured shorter, as a restart with the property changed runs them.
        Map<String, String> placeholders = new HashMap<>(flyway.getConfiguration().getPlaceholders());
        placeholders.put("analyst_statement_timeout", "1s");
        Flyway.configure().configuration(flyway.getConfiguration()).placeholders(placeholders).load().migrate();

        try (Connection analyst = analyst(); Statement sql = analyst.createStatement()) {
            assertThat(statementTimeout(analyst)).isEqualTo("1s");
            assertThatThrownBy(() -> sql.execute("select pg_sleep(3)"))
                    .hasMessageContaining("canceling statement due to statement timeout");
        }
    }
}
