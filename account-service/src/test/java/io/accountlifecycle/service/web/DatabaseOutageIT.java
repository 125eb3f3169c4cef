package io.accountlifecycle.service.web;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.HttpJson.Response;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A database that fails under a running service — a session killed in the middle of a request, or a database that
 * refuses new connections — is answered {@code 503} with {@code Retry-After} as problem details, never {@code 500};
 * once the database is back, so is the service. Really broken, on a database of its own: the test's superuser
 * terminates the service's sessions and closes the database to connections.
 */
@RealPostgres(database = DatabaseOutageIT.DATABASE)
@RealKafka
class DatabaseOutageIT {

    static final String DATABASE = "accounts_outage";

    private static ConfigurableApplicationContext service;
    private static HttpJson http;

    @BeforeAll
    static void start() {
        // A request waits this long for a connection before it fails (Hikari's default is 30 s).
        service = ServiceInstances.start(DATABASE, "database-outage-it",
                                         "--spring.datasource.hikari.connection-timeout=2000",
                                         "--account.kafka.intake.enabled=false");
        http = ServiceInstances.http(service);
    }

    @AfterAll
    static void stop() throws SQLException {
        try (Connection superuser = superuser(); Statement sql = superuser.createStatement()) {
            sql.execute("alter database " + DATABASE + " allow_connections true");
        }
        if (service != null) {
            service.close();
        }
    }

    private static Connection superuser() throws SQLException {
        return TestInfrastructure.postgres().connectAsSuperuser("postgres");
    }

    private static UUID anAccount() {
        UUID id = UUID.randomUUID();
        assertThat(http.post("/accounts", openAccountJson(id, "outage@example.com", "Outage", "FREE")).status())
                .isEqualTo(201);
        return id;
    }

    private static void assertUnavailable(Response response) {
        assertThat(response.status()).as(response.raw()).isEqualTo(503);
        assertThat(response.header("Retry-After")).isEqualTo("5");
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("title").asString()).isEqualTo("Database unavailable");
    }

    @Test
    void aSessionKilledInTheMiddleOfARequestIsAnswered503() throws Exception {
        UUID id = anAccount();
        // The service's statement on the event table waits behind a lock, and its session is terminated there.
        assertUnavailable(whileItsStatementWaits(() -> http.get("/accounts/" + id)));
        assertUnavailable(whileItsStatementWaits(() -> http.post("/accounts", openAccountJson(
                UUID.randomUUID(), "mid@example.com", "Mid", "FREE"))));

        assertThat(http.get("/accounts/" + id).status()).as("the pool replaced the killed sessions").isEqualTo(200);
    }

    @Test
    void aDatabaseThatRefusesConnectionsIsAnswered503UntilItIsBack() throws SQLException {
        UUID id = anAccount();
        try (Connection superuser = superuser(); Statement sql = superuser.createStatement()) {
            sql.execute("alter database " + DATABASE + " allow_connections false");
            sql.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + DATABASE + "'");

            assertUnavailable(http.get("/accounts/" + id));
            assertUnavailable(http.post("/accounts", openAccountJson(UUID.randomUUID(), "down@example.com", "Down",
                                                                     "FREE")));
            // Readiness says so too, with the reason (DatabaseReadiness), and the process stays live.
            Response readiness = await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/readyz"),
                                                                             r -> r.status() == 503);
            assertThat(readiness.raw()).contains("PostgreSQL");
            assertThat(http.get("/livez").status()).isEqualTo(200);

            sql.execute("alter database " + DATABASE + " allow_connections true");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/accounts/" + id).status() == 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/readyz").status() == 200);
    }

    /**
     * Sends {@code request} while the event table is locked, terminates the service's session once the request's
     * statement (one account's events, or an append; not a processor's read by position) waits for the lock, and
     * returns the answer.
     */
    private static Response whileItsStatementWaits(Supplier<Response> request) throws Exception {
        try (Connection locker = TestInfrastructure.postgres().connectAsSuperuser(DATABASE);
             Connection superuser = superuser()) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("lock table domain_event_entry in access exclusive mode");
            }
            CompletableFuture<Response> answer = CompletableFuture.supplyAsync(request);
            try (PreparedStatement waiting = superuser.prepareStatement(
                    "select pid from pg_stat_activity where datname = ? and usename = 'account_app' "
                    + "and wait_event_type = 'Lock' "
                    + "and query ~* '(where aggregate_identifier =|insert into domain_event_entry)'")) {
                waiting.setString(1, DATABASE);
                int pid = await().atMost(Duration.ofSeconds(10)).until(() -> {
                    try (ResultSet rows = waiting.executeQuery()) {
                        return rows.next() ? rows.getInt(1) : 0;
                    }
                }, found -> found != 0);
                try (Statement kill = superuser.createStatement()) {
                    kill.execute("select pg_terminate_backend(" + pid + ")");
                }
            } finally {
                locker.rollback();
            }
            return answer.get(30, TimeUnit.SECONDS);
        }
    }
}
