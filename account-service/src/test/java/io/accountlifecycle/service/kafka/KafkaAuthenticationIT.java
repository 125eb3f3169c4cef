package io.accountlifecycle.service.kafka;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.security.LocalTokens;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.service.security.TokenSettings;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code account.commands} is a door with HTTP's locks: a record needs its sender's bearer token (verified as HTTP
 * verifies one, valid when the broker appended the record) and the scope its command type's HTTP twin needs. A record
 * without them is answered {@code REJECTED} with the reason and goes nowhere else; the token's subject is the actor
 * and, with the command id, the command's identity; the token itself never leaves the record.
 *
 * <p>Other tests' services on the shared broker, which share this one's signing key, answer the same records from
 * their own databases: results are read as "every answer says", the effects from this service's database.
 */
@RealPostgres(database = KafkaAuthenticationIT.DATABASE)
@RealKafka
class KafkaAuthenticationIT {

    static final String DATABASE = "accounts_kafka_auth";
    private static final String GROUP = "kafka-auth-it";
    /** How long past its expiry Spring Security still accepts a token, over HTTP as over Kafka (its default). */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private static ConfigurableApplicationContext service;
    private static HttpJson http;
    private static JdbcTemplate jdbc;

    @TempDir
    Path elsewhere;
    private TopicReader results;
    private TopicReader deadLetters;

    @BeforeAll
    static void start() {
        TopicReader.startGroupAtEnd(GROUP, KafkaTopics.COMMANDS);
        service = ServiceInstances.start(DATABASE, GROUP);
        http = ServiceInstances.http(service);
        jdbc = service.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @BeforeEach
    void readTopics() {
        results = new TopicReader(KafkaTopics.COMMAND_RESULTS);
        deadLetters = new TopicReader(KafkaTopics.COMMANDS_DLT);
    }

    @AfterEach
    void closeTopics() {
        results.close();
        deadLetters.close();
    }

    /** A record the service must refuse, and what its answer must say. */
    private record Refusal(String what, UUID commandId, UUID accountId, String json, String token, String reason) {

        static Refusal opening(String what, String token, String reason) {
            UUID commandId = UUID.randomUUID();
            UUID accountId = UUID.randomUUID();
            return new Refusal(what, commandId, accountId, openAccount(commandId, accountId, "crm"), token, reason);
        }
    }

    @Test
    void recordsWithoutAValidTokenOrTheScopeAreRejectedWithTheReasonAndChangeNothing() {
        UUID kept = UUID.randomUUID();
        TopicReader.sendCommand(kept.toString(), openAccount(UUID.randomUUID(), kept, "crm"),
                                token("crm", Scopes.WRITE));
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/accounts/" + kept).status() == 200);

        String forged = forged("crm", Scopes.WRITE);
        String expired = TestTokens.mint(service, "crm", List.of(Scopes.WRITE), Duration.ofMinutes(-5));
        String writeOnly = token("crm", Scopes.WRITE);
        UUID deletion = UUID.randomUUID();
        List<Refusal> refusals = List.of(
                Refusal.opening("no token", null, "No bearer token"),
                Refusal.opening("signed by another key", forged, "when the broker appended the record"),
                // Judged at the broker's append time, never at a time the producer chose.
                Refusal.opening("expired", expired, "when the broker appended the record: Jwt expired at"),
                Refusal.opening("not a JWT", "not.a.jwt", "The bearer token is not valid"),
                new Refusal("without the scope", deletion, kept, deletion(deletion, kept), writeOnly,
                            "lacks the scope accounts:delete that RequestAccountDeletion needs"));
        for (Refusal refusal : refusals) {
            TopicReader.sendCommand(refusal.accountId().toString(), refusal.json(), refusal.token());
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Refusal refusal : refusals) {
                assertThat(resultsFor(refusal.commandId())).as(refusal.what()).isNotEmpty().allSatisfy(r -> {
                    assertThat(r.get("status").asString()).isEqualTo("REJECTED");
                    assertThat(r.get("reason").asString()).contains(refusal.reason());
                    assertThat(r.toString()).doesNotContain(forged).doesNotContain(expired)
                                            .doesNotContain(writeOnly);
                });
            }
        });
        for (Refusal refusal : refusals) {
            assertThat(stored(refusal.commandId())).as("outcome recorded, %s", refusal.what()).isZero();
            if (!refusal.accountId().equals(kept)) {
                assertThat(http.get("/accounts/" + refusal.accountId()).status()).as(refusal.what()).isEqualTo(404);
            }
        }
        assertThat(http.get("/accounts/" + kept).json().get("status").asString()).isEqualTo("ACTIVE");
        assertThat(http.get("/accounts/" + kept + "/events").json().get("totalItems").asLong()).isEqualTo(1);
        // The scope refusal is audited like an HTTP one: counted towards crm's AccessDeniedEvent of the minute (still
        // counted, or already one event when the minute closed meanwhile; awaited, once seen to lag in CI).
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "select (select coalesce(sum(refusals), 0) from access_refusal where actor = 'crm' "
                + "and action = 'KAFKA RequestAccountDeletion') + (select count(*) from domain_event_entry "
                + "where payload_type = 'io.accountlifecycle.api.AccessDeniedEvent' "
                + "and convert_from(payload, 'UTF8') like '%\"actor\":\"crm\"%RequestAccountDeletion%')", Long.class))
                .isPositive());
        // Not poison: nothing about them is malformed.
        assertThat(deadLetters.poll()).noneMatch(dead -> refusals.stream().anyMatch(
                refusal -> dead.value() != null && dead.value().contains(refusal.commandId().toString())));
    }

    @Test
    void theTokensSubjectIsTheActorWhateverIssuedBySays() {
        UUID account = UUID.randomUUID();
        UUID commandId = UUID.randomUUID();
        String token = token("billing-service", Scopes.WRITE);
        TopicReader.sendCommand(account.toString(), openAccount(commandId, account, "admin"), token);

        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/accounts/" + account).status() == 200);
        JsonNode opened = http.get("/accounts/" + account + "/events").json().get("items").get(0);
        assertThat(opened.get("metadata").get("actor").asString()).isEqualTo("billing-service");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(commandId)).isNotEmpty()
                .allSatisfy(r -> {
                    assertThat(r.get("status").asString()).isEqualTo("ACCEPTED");
                    assertThat(r.toString()).doesNotContain(token);
                }));
    }

    @Test
    void theSameCommandIdFromTwoSendersIsTwoCommands() {
        UUID account = UUID.randomUUID();
        UUID commandId = UUID.randomUUID();
        TopicReader.sendCommand(account.toString(), openAccount(commandId, account, "billing"),
                                token("billing-service", Scopes.WRITE));
        // Another producer, by accident or on purpose, with the same id: its own command, not a re-send of the first.
        TopicReader.sendCommand(account.toString(), """
                {"commandId":"%s","type":"ChangeAccountPlan","accountId":"%s","payload":{"plan":"PREMIUM"}}"""
                .formatted(commandId, account), token("crm", Scopes.WRITE));

        await().atMost(Duration.ofSeconds(30)).until(() -> stored(commandId) == 2);
        assertThat(jdbc.queryForList("select subject || ' ' || status from processed_command where command_id = ?",
                                     String.class, commandId))
                .containsExactlyInAnyOrder("billing-service ACCEPTED", "crm ACCEPTED");
        assertThat(http.get("/accounts/" + account).json().get("plan").asString()).isEqualTo("PREMIUM");
        List<String> actors = http.get("/accounts/" + account + "/events").json().get("items").valueStream()
                                  .map(e -> e.get("type").asString() + " by " + e.get("metadata").get("actor")
                                                                                 .asString())
                                  .toList();
        assertThat(actors).containsExactly("AccountOpened by billing-service", "AccountPlanChanged by crm");
    }

    @Test
    void aTokenThatExpiresWhileItsRecordWaitsInTheTopicStillCounts() {
        UUID account = UUID.randomUUID();
        UUID commandId = UUID.randomUUID();
        // Accepted when appended only within the clock skew Spring Security allows, and expired beyond it 10 s later.
        String token = TestTokens.mint(service, "billing-service", List.of(Scopes.WRITE, Scopes.READ),
                                       CLOCK_SKEW.minusSeconds(10).negated());
        MessageListenerContainer intake = service.getBean(KafkaListenerEndpointRegistry.class)
                                                 .getListenerContainer("account-command-intake");
        intake.stop();
        try {
            TopicReader.sendCommand(account.toString(), openAccount(commandId, account, "billing"), token);
            // The consumer lags until the token is expired for anyone who judges it now: HTTP refuses it.
            HttpJson withToken = http.withToken(token);
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                   .until(() -> withToken.get("/accounts/" + account).status() == 401);
        } finally {
            intake.start();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> stored(commandId) == 1);
        assertThat(jdbc.queryForObject("select status from processed_command where command_id = ?", String.class,
                                       commandId)).isEqualTo("ACCEPTED");
        assertThat(http.get("/accounts/" + account).status()).isEqualTo(200);
    }

    @Test
    void withoutRequiredTokensARecordWithoutOneIsHandledAsBeforeAndCounted() {
        String database = DATABASE + "_lenient";
        String group = GROUP + "-lenient";
        TopicReader.startGroupAtEnd(group, KafkaTopics.COMMANDS);
        try (ConfigurableApplicationContext lenient = ServiceInstances.start(
                database, group, "--account.kafka.intake.require-token=false")) {
            HttpJson lenientHttp = ServiceInstances.http(lenient);
            JdbcTemplate lenientJdbc = lenient.getBean(JdbcTemplate.class);
            UUID account = UUID.randomUUID();
            UUID commandId = UUID.randomUUID();
            TopicReader.sendCommand(account.toString(), openAccount(commandId, account, "legacy-billing"), null);
            UUID forgedCommand = UUID.randomUUID();
            UUID forgedAccount = UUID.randomUUID();
            TopicReader.sendCommand(forgedAccount.toString(), openAccount(forgedCommand, forgedAccount, "crm"),
                                    forged("crm", Scopes.WRITE));

            await().atMost(Duration.ofSeconds(30)).until(() -> lenientHttp.get("/accounts/" + account).status() == 200);
            // As before tokens: the actor is issuedBy, and the command is the same one again by its id alone.
            assertThat(lenientHttp.get("/accounts/" + account + "/events").json().get("items").get(0).get("metadata")
                                  .get("actor").asString()).isEqualTo("legacy-billing");
            assertThat(lenientJdbc.queryForList("select subject from processed_command where command_id = ?",
                                                String.class, commandId)).containsExactly("");
            assertThat(lenient.getBean(MeterRegistry.class).get("account.commands.unauthenticated").counter()
                              .count()).isGreaterThanOrEqualTo(1);
            // A token that is there is still verified.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(forgedCommand))
                    .isNotEmpty().allSatisfy(r -> assertThat(r.get("status").asString()).isEqualTo("REJECTED")));
            assertThat(lenientHttp.get("/accounts/" + forgedAccount).status()).isEqualTo(404);
        }
    }

    private List<JsonNode> resultsFor(UUID commandId) {
        return results.values(r -> r.get("commandId").asString().equals(commandId.toString()));
    }

    private static long stored(UUID commandId) {
        return jdbc.queryForObject("select count(*) from processed_command where command_id = ?", Long.class,
                                   commandId);
    }

    private static String token(String subject, String... scopes) {
        return TestTokens.mint(service, subject, List.of(scopes));
    }

    /** Signed by a key of its own, not the service's: what a forger has. */
    private String forged(String subject, String... scopes) {
        return LocalTokens.loadOrCreate(elsewhere.resolve("another-key.json"), TokenSettings.DEFAULT_ISSUER)
                          .mint(subject, List.of(scopes), Duration.ofMinutes(30));
    }

    private static String openAccount(UUID commandId, UUID accountId, String issuedBy) {
        return """
               {"commandId":"%s","type":"OpenAccount","accountId":"%s","issuedBy":"%s",
                "payload":{"email":"%s@example.com","displayName":"Kafka Door","plan":"FREE"}}"""
                .formatted(commandId, accountId, issuedBy, accountId);
    }

    private static String deletion(UUID commandId, UUID accountId) {
        return """
               {"commandId":"%s","type":"RequestAccountDeletion","accountId":"%s","issuedBy":"crm",
                "payload":{"reason":"asked by the customer"}}""".formatted(commandId, accountId);
    }
}
