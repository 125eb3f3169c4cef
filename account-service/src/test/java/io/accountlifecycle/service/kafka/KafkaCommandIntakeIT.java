package io.accountlifecycle.service.kafka;

import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KafkaCommandIntakeIT {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ApplicationContext context;
    @Value("${spring.kafka.consumer.group-id}")
    String group;

    /** A product service's token: it opens, changes and asks to delete accounts. */
    String token;
    TopicReader results;
    TopicReader events;
    TopicReader deadLetters;

    @BeforeEach
    void setUp() {
        token = TestTokens.mint(context, "billing-service", List.of(Scopes.WRITE, Scopes.DELETE));
        results = new TopicReader(KafkaTopics.COMMAND_RESULTS);
        events = new TopicReader(KafkaTopics.EVENTS);
        deadLetters = new TopicReader(KafkaTopics.COMMANDS_DLT);
    }

    @AfterEach
    void tearDown() {
        results.close();
        events.close();
        deadLetters.close();
    }

    static String openAccount(UUID commandId, UUID accountId, String email) {
        return """
               {"commandId":"%s","type":"OpenAccount","accountId":"%s","issuedBy":"checkout for a customer",
                "payload":{"email":"%s","displayName":"Grace Hopper","plan":"STANDARD"}}"""
                .formatted(commandId, accountId, email);
    }

    void send(UUID accountId, String json) {
        TopicReader.sendCommand(accountId == null ? null : accountId.toString(), json, token);
    }

    private List<JsonNode> resultsFor(UUID commandId) {
        return results.values(r -> r.get("commandId").asString().equals(commandId.toString()));
    }

    private int storedEvents(UUID accountId) {
        return jdbc.queryForObject("select count(*) from domain_event_entry where aggregate_identifier = ?",
                                   Integer.class, accountId.toString());
    }

    @Test
    void aCommandFromTheTopicBecomesAStoredEventAndAnEventOnTheTopic() {
        UUID commandId = UUID.randomUUID();
        UUID accountId = UUID.randomUUID();
        send(accountId, openAccount(commandId, accountId, "grace@example.com"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(commandId)).hasSize(1));
        JsonNode result = resultsFor(commandId).get(0);
        assertThat(result.get("status").asString()).isEqualTo("ACCEPTED");
        assertThat(result.get("accountId").asString()).isEqualTo(accountId.toString());
        assertThat(result.get("processedAt").asString()).isNotBlank();
        assertThat(storedEvents(accountId)).isEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(events.values(e -> e.get("aggregateId").asString().equals(accountId.toString())))
                        .hasSize(1));
        JsonNode event = events.values(e -> e.get("aggregateId").asString().equals(accountId.toString())).get(0);
        assertThat(event.get("type").asString()).isEqualTo("AccountOpened");
        assertThat(event.get("accountId").asString()).isEqualTo(accountId.toString());
        assertThat(event.get("aggregateType").asString()).isEqualTo("Account");
        assertThat(event.get("sequenceNumber").asLong()).isZero();
        assertThat(event.get("globalIndex").asLong()).isPositive();
        assertThat(event.get("payloadType").asString()).isEqualTo("io.accountlifecycle.api.AccountOpenedEvent");
        assertThat(event.get("occurredAt").asString()).isNotBlank();
        assertThat(event.get("metadata").get("actor").asString()).as("the token's subject, not issuedBy")
                                                                .isEqualTo("billing-service");
        assertThat(event.get("metadata").get("correlationId").asString()).isEqualTo(commandId.toString());
        assertThat(event.get("payload").get("plan").asString()).isEqualTo("STANDARD");
        assertThat(event.get("payload").get("email").get("ciphertext").asString()).isNotBlank();
        assertThat(event.toString()).doesNotContain("grace@example.com");
    }

    @Test
    void theSameCommandSentThreeTimesHasOneEffectAndThreeIdenticalResults() {
        UUID commandId = UUID.randomUUID();
        UUID accountId = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            send(accountId, openAccount(commandId, accountId, "ada@example.com"));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(commandId)).hasSize(3));
        List<JsonNode> all = resultsFor(commandId);
        assertThat(all).allSatisfy(r -> assertThat(r).isEqualTo(all.get(0)));
        assertThat(all.get(0).get("status").asString()).isEqualTo("ACCEPTED");
        assertThat(storedEvents(accountId)).isEqualTo(1);
    }

    @Test
    void aPoisonRecordIsDeadLetteredWithItsReasonAndTheNextRecordIsProcessed() {
        UUID accountId = UUID.randomUUID();
        String poison = "{\"this is\": not json";
        send(accountId, poison);
        UUID commandId = UUID.randomUUID();
        send(accountId, openAccount(commandId, accountId, "next@example.com"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(commandId)).hasSize(1));
        assertThat(resultsFor(commandId).get(0).get("status").asString()).isEqualTo("ACCEPTED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(deadLetters.poll()).anySatisfy(dead -> {
                    assertThat(dead.value()).isEqualTo(poison);
                    assertThat(reason(dead)).startsWith("Not valid JSON");
                    // The sender's bearer token stays behind.
                    assertThat(dead.headers().headers("authorization")).isEmpty();
                }));
    }

    @Test
    void envelopesThatBreakTheSchemaAreDeadLetteredAndAnsweredWhenTheyHaveACommandId() {
        UUID noId = UUID.randomUUID();
        send(noId, "{\"type\":\"OpenAccount\",\"accountId\":\"" + noId + "\",\"payload\":{}}");
        UUID unknownType = UUID.randomUUID();
        send(null, "{\"commandId\":\"" + unknownType + "\",\"type\":\"DropDatabase\",\"accountId\":\""
                   + UUID.randomUUID() + "\",\"payload\":{}}");
        UUID badPlan = UUID.randomUUID();
        UUID badPlanAccount = UUID.randomUUID();
        send(badPlanAccount, """
                {"commandId":"%s","type":"OpenAccount","accountId":"%s",
                 "payload":{"email":"a@example.com","displayName":"A","plan":"GOLD"}}""".formatted(badPlan,
                                                                                                 badPlanAccount));
        UUID badEmail = UUID.randomUUID();
        UUID badEmailAccount = UUID.randomUUID();
        send(badEmailAccount, openAccount(badEmail, badEmailAccount, "not-an-email"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(resultsFor(unknownType)).singleElement()
                    .satisfies(r -> assertThat(r.get("reason").asString()).contains("Unknown command type 'DropDatabase'"));
            assertThat(resultsFor(badPlan)).singleElement()
                    .satisfies(r -> assertThat(r.get("reason").asString()).contains("plan must be one of"));
            assertThat(resultsFor(badEmail)).singleElement()
                    .satisfies(r -> {
                        assertThat(r.get("status").asString()).isEqualTo("REJECTED");
                        assertThat(r.get("reason").asString()).contains("email must be an email address");
                    });
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> reasons = deadLetters.poll().stream().map(KafkaCommandIntakeIT::reason).toList();
            assertThat(reasons).anyMatch(r -> r.startsWith("Missing commandId"))
                               .anyMatch(r -> r.contains("DropDatabase"))
                               .anyMatch(r -> r.contains("GOLD") || r.contains("plan must be one of"))
                               .anyMatch(r -> r.contains("email must be an email address"));
        });
        assertThat(storedEvents(badEmailAccount)).isZero();
        assertThat(storedEvents(badPlanAccount)).isZero();
    }

    @Test
    void aBusinessRejectionIsAResultNotADeadLetter() {
        UUID accountId = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        send(accountId, openAccount(first, accountId, "ada@example.com"));
        send(accountId, openAccount(second, accountId, "ada@example.com"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(second)).hasSize(1));
        JsonNode rejected = resultsFor(second).get(0);
        assertThat(rejected.get("status").asString()).isEqualTo("REJECTED");
        assertThat(rejected.get("reason").asString())
                .isEqualTo("Account " + accountId + " already exists; account ids are never reused");
        assertThat(deadLetters.poll()).noneMatch(d -> d.value() != null && d.value().contains(second.toString()));
        assertThat(storedEvents(accountId)).isEqualTo(1);
    }

    /**
     * A reused id is refused by the store's unique key: inside a batch that aborts only the command's savepoint (the
     * change sent after it is still accepted), and a later batch meets the committed row. Neither is retried or
     * dead-lettered.
     */
    @Test
    void aReusedIdIsRejectedAndAbortsOnlyItsOwnCommand() {
        double together = polls("together");
        double oneByOne = polls("one-by-one");
        UUID accountId = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID again = UUID.randomUUID();
        UUID change = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        send(accountId, openAccount(first, accountId, "ada@example.com"));
        // Answered before the reuse is sent: a poll holding both would run one by one, and "together" never count.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(first)).hasSize(1));
        send(accountId, openAccount(again, accountId, "other@example.com"));
        send(accountId, "{\"commandId\":\"" + change + "\",\"type\":\"ChangeAccountPlan\",\"accountId\":\""
                        + accountId + "\",\"payload\":{\"plan\":\"PREMIUM\"}}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(change)).hasSize(1));
        send(accountId, openAccount(later, accountId, "later@example.com"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(later)).hasSize(1));

        String reused = "Account " + accountId + " already exists; account ids are never reused";
        assertThat(resultsFor(first).get(0).get("status").asString()).isEqualTo("ACCEPTED");
        assertThat(resultsFor(change).get(0).get("status").asString()).isEqualTo("ACCEPTED");
        for (UUID refused : List.of(again, later)) {
            JsonNode result = resultsFor(refused).get(0);
            assertThat(result.get("status").asString()).isEqualTo("REJECTED");
            assertThat(result.get("reason").asString()).isEqualTo(reused);
        }
        assertThat(deadLetters.poll()).noneMatch(d -> d.value() != null && (d.value().contains(again.toString())
                                                                            || d.value().contains(later.toString())));
        assertThat(storedEvents(accountId)).isEqualTo(2);
        // The first open went through a poll run together; each refusal sent its poll one by one.
        assertThat(polls("together")).isGreaterThan(together);
        assertThat(polls("one-by-one")).isGreaterThan(oneByOne);
    }

    /**
     * Records that wait while the intake is paused come in few polls, each run together with its events written in one
     * statement at the end (the engine's side: {@code HeldAppendsIT}). A change to an account opened earlier in the
     * same poll reads the events held for it, so the poll still runs together; a reused id in a poll is refused when
     * the held events are written, and that poll runs again one by one: every command gets its own answer.
     */
    @Test
    void commandsThatArriveTogetherAreStoredTogetherAndEachGetsItsOwnAnswer() {
        var intake = context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("account-command-intake");
        List<UUID> opened = new java.util.ArrayList<>();
        UUID changed = UUID.randomUUID();
        UUID change = UUID.randomUUID();
        double oneByOne = polls("one-by-one");
        intake.pause();
        try {
            await().atMost(Duration.ofSeconds(30)).until(intake::isContainerPaused);
            for (int i = 0; i < 30; i++) {
                UUID accountId = UUID.randomUUID();
                opened.add(accountId);
                send(accountId, openAccount(UUID.randomUUID(), accountId, "many" + i + "@example.com"));
            }
            send(changed, openAccount(UUID.randomUUID(), changed, "changed@example.com"));
            send(changed, "{\"commandId\":\"" + change + "\",\"type\":\"ChangeAccountPlan\",\"accountId\":\""
                          + changed + "\",\"payload\":{\"plan\":\"PREMIUM\"}}");
        } finally {
            intake.resume();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(change)).hasSize(1));
        assertThat(resultsFor(change).get(0).get("status").asString()).isEqualTo("ACCEPTED");
        assertThat(storedEvents(changed)).isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> opened.stream().allMatch(id -> storedEvents(id) == 1));
        assertThat(polls("one-by-one")).as("polls run one by one").isEqualTo(oneByOne);

        UUID reusedId = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID again = UUID.randomUUID();
        UUID beside = UUID.randomUUID();
        UUID besideOpen = UUID.randomUUID();
        intake.pause();
        try {
            await().atMost(Duration.ofSeconds(30)).until(intake::isContainerPaused);
            send(reusedId, openAccount(first, reusedId, "first@example.com"));
            send(reusedId, openAccount(again, reusedId, "again@example.com"));
            send(beside, openAccount(besideOpen, beside, "beside@example.com"));
        } finally {
            intake.resume();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(resultsFor(again)).hasSize(1);
            assertThat(resultsFor(besideOpen)).hasSize(1);
        });
        assertThat(resultsFor(first).get(0).get("status").asString()).isEqualTo("ACCEPTED");
        assertThat(resultsFor(besideOpen).get(0).get("status").asString()).isEqualTo("ACCEPTED");
        assertThat(resultsFor(again).get(0).get("status").asString()).isEqualTo("REJECTED");
        assertThat(resultsFor(again).get(0).get("reason").asString())
                .isEqualTo("Account " + reusedId + " already exists; account ids are never reused");
        assertThat(storedEvents(reusedId)).isEqualTo(1);
        assertThat(storedEvents(beside)).isEqualTo(1);
        assertThat(polls("one-by-one")).as("the reuse's poll ran one by one").isGreaterThan(oneByOne);
    }

    private double polls(String path) {
        return context.getBean(MeterRegistry.class).counter("account.commands.polls", "path", path).count();
    }

    @Test
    void deletionTypesAreAcceptedOverKafkaAndAQuarantinedAccountRejectsChanges() {
        UUID accountId = UUID.randomUUID();
        UUID open = UUID.randomUUID();
        UUID delete = UUID.randomUUID();
        send(accountId, openAccount(open, accountId, "del@example.com"));
        send(accountId, "{\"commandId\":\"" + delete + "\",\"type\":\"RequestAccountDeletion\",\"accountId\":\""
                        + accountId + "\",\"issuedBy\":\"crm\",\"payload\":{\"reason\":\"customer closed the account\"}}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(resultsFor(open)).singleElement()
                    .satisfies(r -> assertThat(r.get("status").asString()).isEqualTo("ACCEPTED"));
            assertThat(resultsFor(delete)).singleElement()
                    .satisfies(r -> assertThat(r.get("status").asString()).isEqualTo("ACCEPTED"));
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select count(*) from domain_event_entry where aggregate_identifier = ? and payload_type = ?",
                Integer.class, accountId.toString(), "io.accountlifecycle.api.AccountQuarantinedEvent") == 1);

        UUID change = UUID.randomUUID();
        send(accountId, "{\"commandId\":\"" + change + "\",\"type\":\"ChangeAccountPlan\",\"accountId\":\""
                        + accountId + "\",\"payload\":{\"plan\":\"FREE\"}}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(change)).singleElement()
                .satisfies(r -> {
                    assertThat(r.get("status").asString()).isEqualTo("REJECTED");
                    assertThat(r.get("reason").asString()).contains("quarantined");
                }));
    }

    @Test
    void anErasureRequestOverKafkaCarriesWhenThePersonAskedAndItsDeadline() {
        UUID accountId = UUID.randomUUID();
        UUID open = UUID.randomUUID();
        UUID erase = UUID.randomUUID();
        UUID badKind = UUID.randomUUID();
        send(accountId, openAccount(open, accountId, "erase@example.com"));
        send(accountId, """
                        {"commandId":"%s","type":"RequestAccountDeletion","accountId":"%s",
                         "payload":{"reason":"x","kind":"FORGET"}}""".formatted(badKind, accountId));
        send(accountId, """
                        {"commandId":"%s","type":"RequestAccountDeletion","accountId":"%s",
                         "payload":{"reason":"the customer asked to be erased","kind":"ERASURE",
                                    "receivedAt":"2026-12-01T09:30:00Z"}}""".formatted(erase, accountId));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(resultsFor(badKind)).singleElement()
                    .satisfies(r -> assertThat(r.get("reason").asString()).contains("STANDARD or ERASURE"));
            assertThat(resultsFor(erase)).singleElement()
                    .satisfies(r -> assertThat(r.get("status").asString()).isEqualTo("ACCEPTED"));
        });
        String payload = jdbc.queryForObject(
                "select convert_from(payload, 'UTF8') from domain_event_entry where aggregate_identifier = ? and "
                + "payload_type = ?", String.class, accountId.toString(),
                "io.accountlifecycle.api.AccountDeletionRequestedEvent");
        assertThat(payload).contains("\"kind\":\"ERASURE\"", "\"receivedAt\":\"2026-12-01T09:30:00Z\"",
                                     "\"erasureDeadline\":\"2027-01-01T09:30:00Z\"");
    }

    @Test
    void aDeletionThatWaitsForApprovalIsAnsweredPendingApprovalTheSameEveryTime() {
        UUID accountId = UUID.randomUUID();
        UUID open = UUID.randomUUID();
        UUID delete = UUID.randomUUID();
        send(accountId, """
                        {"commandId":"%s","type":"OpenAccount","accountId":"%s",
                         "payload":{"email":"kept@example.com","displayName":"Kept","plan":"FREE","protected":true}}"""
                        .formatted(open, accountId));
        String deletion = """
                          {"commandId":"%s","type":"RequestAccountDeletion","accountId":"%s",
                           "payload":{"reason":"customer asked"}}""".formatted(delete, accountId);
        send(accountId, deletion);
        send(accountId, deletion);

        // A protected account's deletion waits for a second person: said so, with why, the same on a re-send.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resultsFor(delete)).hasSize(2));
        List<JsonNode> answers = resultsFor(delete);
        assertThat(answers).allSatisfy(r -> assertThat(r).isEqualTo(answers.get(0)));
        assertThat(answers.get(0).get("status").asString()).isEqualTo("PENDING_APPROVAL");
        assertThat(answers.get(0).get("reason").asString()).isNotBlank();
        assertThat(jdbc.queryForObject("select status from processed_command where command_id = ?", String.class,
                                       delete)).isEqualTo("PENDING_APPROVAL");
        assertThat(jdbc.queryForObject(
                "select count(*) from domain_event_entry where aggregate_identifier = ? and payload_type = ?",
                Integer.class, accountId.toString(), "io.accountlifecycle.api.AccountQuarantinedEvent")).isZero();
    }

    @Test
    void aPollsOffsetsAreCommittedOnceItsCommandsAreStored() throws Exception {
        UUID accountId = UUID.randomUUID();
        String command = openAccount(UUID.randomUUID(), accountId, "offsets@example.com");
        RecordMetadata sent = TopicReader.sendCommandAt(accountId.toString(), command, token);
        await().atMost(Duration.ofSeconds(30)).until(() -> storedEvents(accountId) == 1);
        // Committed after the poll's transaction and its results' acknowledgements: an instance that restarts
        // resumes after the record (ADR 14, eleventh session, tried committing without waiting for the coordinator).
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.kafka().bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                                                   .get().get(partition);
                assertThat(committed).as("the group's committed offset on %s", partition).isNotNull();
                assertThat(committed.offset()).isGreaterThan(sent.offset());
            });
        }
    }

    /**
     * The next poll is handled while a poll's results and dead letters are on their way to the broker, but no offset
     * is committed past a poll the broker did not acknowledge: here the dead-letter topic refuses a poison record (it
     * takes no record that large for a while), a command after it on the same partition is stored and answered, and
     * still the group's offset stays at the poison record until the dead letter is taken; then both are delivered
     * again, the poison record is dead-lettered, the command answered again from its stored outcome, and the offset
     * passes both (ADR 14, thirteenth session).
     */
    @Test
    void noOffsetIsCommittedPastAPollWhoseDeadLetterTheBrokerRefused() throws Exception {
        UUID accountId = UUID.randomUUID();
        String poison = "not json " + "x".repeat(4_000);
        UUID commandId = UUID.randomUUID();
        ConfigResource dlt = new ConfigResource(ConfigResource.Type.TOPIC, KafkaTopics.COMMANDS_DLT);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.kafka().bootstrapServers()))) {
            ConfigEntry before = admin.describeConfigs(List.of(dlt)).all().get().get(dlt).get("max.message.bytes");
            AlterConfigOp restore = before.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG
                    ? new AlterConfigOp(new ConfigEntry("max.message.bytes", before.value()), AlterConfigOp.OpType.SET)
                    : new AlterConfigOp(new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE);
            admin.incrementalAlterConfigs(Map.of(dlt, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", "1000"), AlterConfigOp.OpType.SET)))).all().get();
            try {
                double deadLettered = deadLettersSent();
                RecordMetadata refused = TopicReader.sendCommandAt(accountId.toString(), poison, token);
                // The command after it in a poll of its own, as a rule: sent once the poison record's dead letter was.
                await().atMost(Duration.ofSeconds(30)).until(() -> deadLettersSent() > deadLettered);
                RecordMetadata after = TopicReader.sendCommandAt(
                        accountId.toString(), openAccount(commandId, accountId, "after-poison@example.com"), token);
                assertThat(after.partition()).isEqualTo(refused.partition());
                TopicPartition partition = new TopicPartition(refused.topic(), refused.partition());

                await().atMost(Duration.ofSeconds(30)).until(() -> storedEvents(accountId) == 1);
                await().atMost(Duration.ofSeconds(30)).until(() -> !resultsFor(commandId).isEmpty());
                // Delivered again and again meanwhile; the offset never passes the refused record.
                await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                                                       .get().get(partition);
                    assertThat(committed == null ? 0 : committed.offset())
                            .as("the group's committed offset while the dead letter is refused")
                            .isLessThanOrEqualTo(refused.offset());
                });
                assertThat(deadLetters.poll()).noneSatisfy(dead -> assertThat(dead.value()).isEqualTo(poison));

                admin.incrementalAlterConfigs(Map.of(dlt, List.of(restore))).all().get();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(deadLetters.poll())
                        .anySatisfy(dead -> assertThat(dead.value()).isEqualTo(poison)));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                                                       .get().get(partition);
                    assertThat(committed).isNotNull();
                    assertThat(committed.offset()).isGreaterThan(after.offset());
                });
                // One effect, and every answer the same.
                assertThat(storedEvents(accountId)).isEqualTo(1);
                List<JsonNode> answers = resultsFor(commandId);
                assertThat(answers).allSatisfy(r -> assertThat(r).isEqualTo(answers.get(0)));
                assertThat(answers.get(0).get("status").asString()).isEqualTo("ACCEPTED");
            } finally {
                admin.incrementalAlterConfigs(Map.of(dlt, List.of(restore))).all().get();
            }
        }
    }

    private double deadLettersSent() {
        return context.getBean(MeterRegistry.class).counter("account.commands.dead_lettered").count();
    }

    /**
     * A poll retried after its transaction failed is acknowledged once its results are, as any other: the error
     * handler must not commit its offsets as soon as the retry returns (Spring Kafka's default).
     */
    @Test
    void aRetriedPollIsNotAcknowledgedByTheErrorHandler() {
        var intake = (ConcurrentMessageListenerContainer<?, ?>) context.getBean(KafkaListenerEndpointRegistry.class)
                                                                        .getListenerContainer("account-command-intake");
        assertThat(intake.getContainerProperties().getAckMode()).isEqualTo(ContainerProperties.AckMode.MANUAL);
        assertThat(((DefaultErrorHandler) intake.getCommonErrorHandler()).isAckAfterHandle()).isFalse();
    }

    /**
     * A command that arrives while the intake is idle is taken within the poll timeout, whenever it comes. KIP-848's
     * consumer client sends no fetch between an empty fetch's return and the next poll, so with Spring's 5 s poll
     * timeout a command that arrived in such a gap waited until the poll timed out (measured here, with the tests'
     * 1 s fetch wait and 2 s heartbeats: one command in eight to one in three waited 0.6-2 s, the others 30 ms). The
     * tests' poll timeout is 250 ms (production's 1 s; with 100 ms every command took 25-90 ms). The pauses between
     * commands vary so that each lands at another point of the fetch cycle.
     */
    @Test
    void aCommandOnAnIdleIntakeIsStoredWithinAFetchWheneverItArrives() throws InterruptedException {
        long[] pausesMillis = {300, 1_100, 700, 1_900, 500, 1_300, 900, 1_700, 400, 1_500, 600, 1_200};
        // Untimed: every one of the intake's consumers holds its partitions (a partition moving between consumers
        // while they join is not what this measures).
        var intake = (ConcurrentMessageListenerContainer<?, ?>) context.getBean(KafkaListenerEndpointRegistry.class)
                                                                        .getListenerContainer("account-command-intake");
        await().atMost(Duration.ofSeconds(60)).until(() -> intake.getContainers().stream().allMatch(
                c -> c.getAssignedPartitions() != null && !c.getAssignedPartitions().isEmpty()));
        UUID first = UUID.randomUUID();
        send(first, openAccount(UUID.randomUUID(), first, "idle@example.com"));
        await().atMost(Duration.ofSeconds(30)).until(() -> storedEvents(first) == 1);
        List<Long> waits = new java.util.ArrayList<>();
        for (long pause : pausesMillis) {
            Thread.sleep(pause);
            UUID accountId = UUID.randomUUID();
            long sent = System.nanoTime();
            send(accountId, openAccount(UUID.randomUUID(), accountId, "idle@example.com"));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                   .until(() -> storedEvents(accountId) == 1);
            waits.add((System.nanoTime() - sent) / 1_000_000);
        }
        System.out.println("KafkaCommandIntakeIT: send -> stored on an idle intake (ms): " + waits);
        assertThat(waits).as("send -> stored, ms, each after an idle pause").allSatisfy(
                wait -> assertThat(wait).isLessThan(1_000L));
    }

    static String reason(ConsumerRecord<String, String> record) {
        var header = record.headers().lastHeader("x-dlt-reason");
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
