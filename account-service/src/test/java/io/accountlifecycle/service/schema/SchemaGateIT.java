package io.accountlifecycle.service.schema;

import io.accountlifecycle.service.AccountServiceApplication;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.recovery.RecoveryCommand;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.testsupport.RealInfrastructureContextCustomizerFactory;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service without the owner's credentials on a schema older than it needs stays up and not ready, says why on
 * its probes and in its log, and starts by itself once {@code migrate} has run as the owner; {@code migrate} refuses
 * without the owner, and {@code verify} needs no owner.
 */
@RealPostgres
@RealKafka
@ExtendWith(OutputCaptureExtension.class)
class SchemaGateIT {

    private static final String DATABASE = "accounts_schema_gate";
    private static final String OWNER = "account_owner";
    /** A database one release behind: the newest migration before account_app could read the history. */
    private static final String PREVIOUS_RELEASE = "20261205.5";

    private final ExecutorService starter = Executors.newSingleThreadExecutor();
    private Future<ConfigurableApplicationContext> service;

    @AfterEach
    void stop() throws Exception {
        if (service != null && service.isDone()) {
            service.get().close();
        } else if (service != null) {
            service.cancel(true);
        }
        starter.shutdownNow();
    }

    @Test
    void aServiceOnAnOlderSchemaWaitsNotReadyUntilTheMigrationHasRun(CapturedOutput output) {
        TestInfrastructure.postgres().recreateDatabase(DATABASE, OWNER);
        assertThat(migrate(asOwner("--spring.flyway.target=" + PREVIOUS_RELEASE)).status()).isZero();
        int port = freePort();
        int managementPort = freePort();
        List<String> arguments = new ArrayList<>(applicationRoleOnly());
        arguments.addAll(List.of("--server.port=" + port, "--management.server.port=" + managementPort,
                                 "--spring.kafka.consumer.group-id=schema-gate-it",
                                 "--account.schema.check-interval=PT0.5S",
                                 "--" + Roles.KAFKA_INTAKE + "=false", "--" + Roles.EVENT_PUBLICATION + "=false",
                                 "--" + Roles.DELETION_SAGA + "=false", "--" + Roles.PROJECTIONS + "=false"));
        service = starter.submit(() -> AccountServiceApplication.application()
                                                                .run(arguments.toArray(String[]::new)));

        // Before V20261206_1 account_app may not read the history: older, by definition.
        String unreadable = awaitNotReady(port, managementPort, "Schema older than version");
        assertThat(unreadable).contains("account_app may not read the migration history", "migration Job");

        // Readable (as that migration will make it): the versions themselves.
        owner().execute("grant select on flyway_schema_history to account_app");
        String older = awaitNotReady(port, managementPort, "Schema at version " + PREVIOUS_RELEASE);
        assertThat(older).contains(", this build needs ").contains("run the migration Job");
        assertThat(output.getAll()).contains(unreadable, older);
        assertThat(service).isNotDone();

        Result migration = migrate(asOwner());
        assertThat(migration.status()).as(migration.err()).isZero();
        String current = owner().queryForObject("select version from flyway_schema_history where success and "
                                                + "version is not null order by installed_rank desc limit 1",
                                                String.class).replace('_', '.');
        assertThat(migration.out()).contains("Schema at version " + PREVIOUS_RELEASE, "Applied " + current,
                                             "Schema at version " + current);
        assertThat(older).contains("this build needs " + current + ":");

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
               .until(() -> status(port, "/readyz") == 200);
        assertThat(service).isDone();
        assertThat(status(managementPort, "/actuator/health/readiness")).isEqualTo(200);

        // verify reads as account_app, as its Job runs it: no owner's credentials.
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        List<String> verify = new ArrayList<>(List.of("verify"));
        verify.addAll(applicationRoleOnly());
        assertThat(RecoveryCommand.run(verify.toArray(String[]::new),
                                       new PrintStream(report, true, StandardCharsets.UTF_8))).isZero();
        assertThat(report.toString(StandardCharsets.UTF_8)).contains("domain_event_entry");
    }

    @Test
    void migrateRefusesWithoutTheOwnersCredentials() {
        Result refused = migrate(applicationRoleOnly());
        assertThat(refused.status()).isEqualTo(3);
        assertThat(refused.err()).contains("Refused", "owner", "SPRING_FLYWAY_USER");
    }

    /** Waits until the probes answer live and not ready with a reason containing {@code text}; returns the reason. */
    private static String awaitNotReady(int port, int managementPort, String text) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
               .ignoreExceptions()
               .until(() -> new HttpJson(port).get("/readyz").raw().contains(text));
        HttpJson.Response readiness = new HttpJson(port).get("/readyz");
        assertThat(readiness.status()).isEqualTo(503);
        assertThat(new HttpJson(port).get("/livez").status()).isEqualTo(200);
        assertThat(new HttpJson(managementPort).get("/actuator/health/liveness").status()).isEqualTo(200);
        HttpJson.Response managementReadiness = new HttpJson(managementPort).get("/actuator/health/readiness");
        assertThat(managementReadiness.status()).isEqualTo(503);
        assertThat(managementReadiness.json().get("reason").asString()).contains(text);
        return readiness.json().get("reason").asString();
    }

    private static int status(int port, String path) {
        try {
            return new HttpJson(port).get(path).status();
        } catch (IllegalStateException connectionRefused) {
            return -1;
        }
    }

    /** The database as the service sees it, without {@code spring.flyway.*}: account_app only. */
    private static List<String> applicationRoleOnly() {
        Map<String, Object> properties = new HashMap<>(RealInfrastructureContextCustomizerFactory
                                                               .datasourceProperties(DATABASE, OWNER));
        properties.keySet().removeIf(key -> key.startsWith("spring.flyway.") || key.startsWith("account.db."));
        properties.putAll(RealInfrastructureContextCustomizerFactory.kafkaProperties());
        return List.of(RealInfrastructureContextCustomizerFactory.asArguments(properties));
    }

    /** As the migration Job runs it: the owner's credentials and the passwords the migrations hand out. */
    private static List<String> asOwner(String... extra) {
        List<String> arguments = new ArrayList<>(List.of(RealInfrastructureContextCustomizerFactory.asArguments(
                RealInfrastructureContextCustomizerFactory.datasourceProperties(DATABASE, OWNER))));
        arguments.addAll(List.of(extra));
        return arguments;
    }

    private static JdbcTemplate owner() {
        return ServiceInstances.owner(DATABASE);
    }

    record Result(int status, String out, String err) {
    }

    private static Result migrate(List<String> options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> arguments = new ArrayList<>(List.of("migrate"));
        arguments.addAll(options);
        int status = MigrateCommand.run(arguments.toArray(String[]::new),
                                        new PrintStream(out, true, StandardCharsets.UTF_8),
                                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
