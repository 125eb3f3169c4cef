package io.accountlifecycle.service.command;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.ServiceProcess;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.service.security.LocalTokens;
import io.accountlifecycle.service.security.TokenSettings;
import io.accountlifecycle.testsupport.RealInfrastructureContextCustomizerFactory;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service is killed ({@code SIGKILL}) while concurrent {@code POST /accounts} are being committed in groups: every
 * account whose open was answered 201 is in the event store afterwards. Some commands were committed and never
 * answered (their callers must ask again and learn that the account exists): that is allowed; the reverse is not.
 */
@RealPostgres(database = GroupCommitCrashIT.DATABASE)
@RealKafka
class GroupCommitCrashIT {

    static final String DATABASE = "accounts_group_crash";
    private static final int CALLERS = 12;
    private static final Pattern GROUP_SUM = Pattern.compile("(?m)^account_commands_group_size_sum\\S* ([0-9.E]+)");
    private static final Pattern GROUP_COUNT =
            Pattern.compile("(?m)^account_commands_group_size_count\\S* ([0-9.E]+)");

    private final Path directory = Path.of("target", "group-crash-it").toAbsolutePath();

    @Test
    void everyAnsweredOpenIsStoredAfterAKillInTheMiddleOfGroupCommits() throws Exception {
        FileSystemUtils.deleteRecursively(directory);
        String token = LocalTokens.loadOrCreate(directory.resolve("keys/token-signing-key.json"),
                                                TokenSettings.DEFAULT_ISSUER)
                                  .mint("group-crash-test", TestTokens.ALL_SCOPES, Duration.ofMinutes(30));
        ServiceProcess service = ServiceProcess.start("group-crash", directory, arguments(), Duration.ofSeconds(120));
        Set<UUID> answered = ConcurrentHashMap.newKeySet();
        Set<UUID> unanswered = ConcurrentHashMap.newKeySet();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            HttpJson http = service.http(token);
            for (int i = 0; i < CALLERS; i++) {
                callers.submit(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        UUID id = UUID.randomUUID();
                        try {
                            int status = http.post("/accounts", HttpJson.openAccountJson(
                                    id, "crash@example.com", "Crash", "FREE")).status();
                            assertThat(status).isEqualTo(201);
                            answered.add(id);
                        } catch (RuntimeException gone) {
                            unanswered.add(id);
                            return;
                        }
                    }
                });
            }
            // Killed once groups of several commands are being committed.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                   .until(() -> answered.size() >= 300 && meanGroupSize(service) > 1.0);
            service.kill();
        } finally {
            callers.shutdownNow();
            assertThat(callers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            service.close();
        }

        JdbcTemplate owner = ServiceInstances.owner(DATABASE);
        Set<UUID> stored = new HashSet<>(owner.queryForList(
                "select aggregate_identifier::uuid from domain_event_entry where sequence_number = 0", UUID.class));
        Set<UUID> committedUnanswered = new HashSet<>(unanswered);
        committedUnanswered.retainAll(stored);
        System.out.printf("[group-crash] answered %d, in flight at the kill %d (of which committed %d)%n",
                          answered.size(), unanswered.size(), committedUnanswered.size());
        assertThat(unanswered).as("requests cut off by the kill").isNotEmpty();
        assertThat(stored).as("accounts in the event store").containsAll(answered);
    }

    private static double meanGroupSize(ServiceProcess service) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + service.managementPort()
                                                  + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher sum = GROUP_SUM.matcher(metrics.body());
        Matcher count = GROUP_COUNT.matcher(metrics.body());
        if (!sum.find() || !count.find() || Double.parseDouble(count.group(1)) == 0) {
            return 0;
        }
        return Double.parseDouble(sum.group(1)) / Double.parseDouble(count.group(1));
    }

    private List<String> arguments() {
        Map<String, Object> properties = new LinkedHashMap<>(
                RealInfrastructureContextCustomizerFactory.datasourceProperties(DATABASE, "account_owner"));
        properties.putAll(RealInfrastructureContextCustomizerFactory.kafkaProperties());
        properties.put("spring.kafka.consumer.group-id", "group-crash-it");
        properties.put("account.data-dir", directory.resolve("data"));
        properties.put("account.crypto.master-key-file", directory.resolve("keys/master-key.json"));
        properties.put("account.crypto.generate-master-key", "true");
        properties.put("account.security.signing-key-file", directory.resolve("keys/token-signing-key.json"));
        properties.put("account.purge-certificate.key-file", directory.resolve("keys/purge-certificate-key.json"));
        properties.put("account.purge-certificate.generate-key", "true");
        properties.put("account.commands.group.enabled", "true");
        // Only the HTTP commands: nothing else competes for the two cores.
        properties.put(Roles.KAFKA_INTAKE, "false");
        properties.put(Roles.EVENT_PUBLICATION, "false");
        properties.put(Roles.DELETION_SAGA, "false");
        properties.put(Roles.PROJECTIONS, "false");
        return List.of(RealInfrastructureContextCustomizerFactory.asArguments(properties));
    }
}
