package io.accountlifecycle.service.recovery;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.ServiceJar;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.personal.RecordAuthentication;
import io.accountlifecycle.testsupport.KafkaServer;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database is gone: a mixed workload, its verify report, the database dropped and created again empty, restore
 * from Kafka, the same verify report. On a broker of its own, whose topics hold this workload only — and, before the
 * restore, records the service did not write, and one it could not read: the restore refuses each by name, changes
 * nothing, and with {@code --skip} restores everything else.
 */
@RealPostgres(database = RecoveryIT.SOURCE)
@RealKafka
class RecoveryIT {

    static final String SOURCE = "accounts_recovery";
    static final String RESUMED = "accounts_recovery_resumed";
    private static final String OWNER = "account_owner";
    /** The tests' master key (config/application.properties of the tests). */
    private static final Path MASTER_KEY = Path.of("target", "test-data", "keys", "master-key.json");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path KILLED_RESTORE_LOG = Path.of("target", "recovery-it-killed-restore.log");
    private static KafkaServer kafka;

    @BeforeAll
    static void startBroker() {
        kafka = TestInfrastructure.dedicatedKafka();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    private static JdbcTemplate owner(String database) {
        return ServiceInstances.owner(database);
    }

    private static List<String> serviceArguments(String database, String command) {
        List<String> arguments = new ArrayList<>(List.of(command));
        arguments.addAll(ServiceInstances.arguments(kafka, database, "recovery-it"));
        return arguments;
    }

    private static String run(String database, String command, int expectedStatus, String... extra) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<String> arguments = serviceArguments(database, command);
        arguments.addAll(List.of(extra));
        int status = RecoveryCommand.run(arguments.toArray(String[]::new),
                                         new PrintStream(output, true, StandardCharsets.UTF_8));
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(status).as("%s exit status; it printed:%n%s", command, printed).isEqualTo(expectedStatus);
        return printed;
    }

    private static String status(HttpJson http, UUID id) {
        return http.get("/accounts/" + id).json().get("status").asString();
    }

    @Test
    void aLostDatabaseIsRebuiltFromKafkaAndVerifiesIdentical() throws Exception {
        Map<UUID, String> emails = new LinkedHashMap<>();
        UUID purged;
        UUID cancelled;
        UUID quarantined;
        UUID held;
        UUID erasure;
        String holdId;
        Instant erasureDeadline;
        // A workload with a short hold: one account purged, one deletion cancelled in its hold.
        try (ConfigurableApplicationContext service = ServiceInstances.startOn(
                kafka, SOURCE, "recovery-it", "--account.purge.hold=PT3S",
                "--account.kafka.topics.key-shred-bound=PT2S", "--account.kafka.intake.enabled=false")) {
            HttpJson http = ServiceInstances.http(service);
            List<String> plans = List.of("FREE", "STANDARD", "PREMIUM", "ENTERPRISE");
            for (int i = 0; i < 24; i++) {
                UUID id = UUID.randomUUID();
                emails.put(id, "user" + i + "@example.com");
                assertThat(http.post("/accounts", HttpJson.openAccountJson(id, "user" + i + "@example.com",
                                                                           "User " + i, plans.get(i % 4)))
                               .status()).isEqualTo(201);
                if (i % 3 == 0) {
                    assertThat(http.patch("/accounts/" + id + "/profile", "{\"displayName\":\"Renamed " + i + "\"}")
                                   .status()).isEqualTo(204);
                }
                if (i % 4 == 1) {
                    assertThat(http.put("/accounts/" + id + "/plan", "{\"plan\":\"PREMIUM\"}").status())
                            .isEqualTo(204);
                }
            }
            List<UUID> ids = new ArrayList<>(emails.keySet());
            purged = ids.get(0);
            cancelled = ids.get(1);
            assertThat(http.post("/accounts/" + purged + "/deletion", "{\"reason\":\"customer left\"}").status())
                    .isEqualTo(202);
            assertThat(http.post("/accounts/" + cancelled + "/deletion", "{\"reason\":\"by mistake\"}").status())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> status(http, cancelled).equals("QUARANTINED"));
            assertThat(http.post("/accounts/" + cancelled + "/deletion/cancel", "{\"reason\":\"undo\"}").status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(http, purged).equals("PURGED"));
            // Events of another aggregate than accounts: the purge switch.
            assertThat(http.post("/admin/purges/pause", "{\"reason\":\"drill\"}").status()).isEqualTo(200);
            assertThat(http.post("/admin/purges/resume", "{\"reason\":\"drill over\"}").status()).isEqualTo(200);
        }
        // Then with the usual long hold: one account quarantined, its purge due after the restore.
        try (ConfigurableApplicationContext service = ServiceInstances.startOn(
                kafka, SOURCE, "recovery-it", "--account.purge.hold=PT75S", "--account.kafka.intake.enabled=false")) {
            HttpJson http = ServiceInstances.http(service);
            quarantined = new ArrayList<>(emails.keySet()).get(2);
            assertThat(http.post("/accounts/" + quarantined + "/deletion", "{\"reason\":\"closing\"}").status())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> status(http, quarantined).equals("QUARANTINED"));
            // A legal hold on a quarantined account, and an erasure request with its legal deadline.
            held = new ArrayList<>(emails.keySet()).get(8); // not ENTERPRISE: a protected plan waits for approval
            HttpJson.Response placed = http.post("/admin/legal-holds", "{\"accountIds\":[\"" + held + "\"],"
                                                                       + "\"matter\":\"Case R\",\"reason\":\"keep\"}");
            assertThat(placed.status()).isEqualTo(201);
            holdId = placed.json().get("holdId").asString();
            assertThat(http.post("/accounts/" + held + "/deletion", "{\"reason\":\"closing\"}").status())
                    .isEqualTo(202);
            erasure = new ArrayList<>(emails.keySet()).get(9);
            Instant receivedAt = Instant.now().atOffset(java.time.ZoneOffset.UTC).minusMonths(1).plusMinutes(30)
                                        .toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            assertThat(http.post("/accounts/" + erasure + "/deletion", "{\"reason\":\"erase me\",\"kind\":"
                                                                       + "\"ERASURE\",\"receivedAt\":\"" + receivedAt
                                                                       + "\"}").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> status(http, held).equals("QUARANTINED")
                                                               && status(http, erasure).equals("QUARANTINED"));
            erasureDeadline = Instant.parse(http.get("/accounts/" + erasure).json().at("/deletion/erasureDeadline")
                                                .asString());
            awaitPublished(owner(SOURCE));
        }
        Instant purgeDue = Instant.parse(owner(SOURCE).queryForObject("""
                select convert_from(payload, 'UTF8')::jsonb ->> 'purgeDueAt' from domain_event_entry
                where aggregate_identifier = ? and payload_type like '%AccountQuarantinedEvent'""", String.class,
                                                                      quarantined.toString()));
        List<String> before = new VerifyReport(owner(SOURCE)).lines();
        assertThat(before).anyMatch(line -> line.startsWith("domain_event_entry"))
                          .anyMatch(line -> line.startsWith("projection.account_summary"));

        // Every record the service wrote to the two topics a restore trusts carries a tag that verifies.
        KeysetHandle masterKey = testMasterKey();
        RecordAuthentication tags = RecordAuthentication.of(masterKey);
        for (String topic : List.of(KafkaTopics.EVENTS, KafkaTopics.KEYS)) {
            List<ConsumerRecord<byte[], byte[]>> written = rawRecords(topic);
            assertThat(written).as(topic).isNotEmpty().allSatisfy(record -> assertThat(
                    tags.verify(topic, record.key(), record.value(), record.headers()).authentic())
                    .as("%s:%d:%d", topic, record.partition(), record.offset()).isTrue());
        }
        // Then records the service did not write, as a producer that got past the ACLs would.
        List<UUID> ids = new ArrayList<>(emails.keySet());
        UUID forgedTombstoneVictim = ids.get(4);
        UUID taggedTombstoneVictim = ids.get(5);
        Forged forged = forge(tags, masterKey, forgedTombstoneVictim, taggedTombstoneVictim, ids.get(6));

        // The database is gone; the owner creates it empty again, the migrations run, the restore refuses.
        TestInfrastructure.postgres().recreateDatabase(SOURCE, OWNER);
        String refused = run(SOURCE, "restore", EventStoreRestore.RECORDS_REFUSED);
        assertThat(refused).contains(forged.event() + "  tag does not verify", forged.untagged() + "  untagged",
                                     forged.tombstone() + "  tag does not verify",
                                     forged.tombstoneWithoutPurge() + "  " + KeyRestore.NO_PURGE,
                                     forged.unreadable() + "  unreadable envelope: not valid JSON")
                           .contains("Refused 5 record(s)");
        String skip = refused.lines().map(String::strip).filter(line -> line.startsWith("--skip ")).findFirst()
                             .orElseThrow().substring("--skip ".length());
        assertThat(RecordLocation.parseAll(List.of(skip))).as("the --skip printed")
                                                        .containsExactlyInAnyOrderElementsOf(forged.all());
        for (String table : List.of("domain_event_entry", "account_data_key", "scheduled_tasks", "saga_entry",
                                    "projection.account_summary")) {
            assertThat(owner(SOURCE).queryForObject("select count(*) from " + table, Long.class))
                    .as("%s after a refused restore", table).isZero();
        }

        // Past exactly those records (one more skip names a record that verifies: reported unused), the rest restores.
        RecordLocation verifies = new RecordLocation(KafkaTopics.EVENTS, rawRecords(KafkaTopics.EVENTS).get(0)
                .partition(), rawRecords(KafkaTopics.EVENTS).get(0).offset());
        String restored = run(SOURCE, "restore", 0, "--skip", skip, "--skip=" + verifies);
        assertThat(restored).contains("Data keys:", "Events:", "Purge sagas: 3", "Projection account-summary rebuilt",
                                      "Restore complete", "--skip " + verifies + " was not used");
        forged.all().forEach(location -> assertThat(restored).contains("Skipped (--skip): " + location));
        assertThat(owner(SOURCE).queryForList(
                "select topic || ':' || partition || ':' || \"offset\" from restore_skip", String.class))
                .containsExactlyInAnyOrderElementsOf(forged.all().stream().map(RecordLocation::toString).toList());
        assertThat(owner(SOURCE).queryForObject("select reason from restore_skip where topic = ? and partition = ? "
                                                + "and \"offset\" = ?", String.class, forged.unreadable().topic(),
                                                forged.unreadable().partition(), forged.unreadable().offset()))
                .as("the unreadable record's reason, kept with its skip").startsWith("unreadable envelope:");
        assertThat(owner(SOURCE).queryForList("select execution_time from scheduled_tasks", Timestamp.class))
                .extracting(Timestamp::toInstant).as("the pending purges keep their original instants")
                .contains(purgeDue).hasSize(3);
        assertThat(owner(SOURCE).queryForList("select convert_from(serialized_saga, 'UTF8') from saga_entry",
                                              String.class))
                .as("the erasure's deadline comes back with its saga")
                .anyMatch(saga -> saga.contains(erasure.toString()) && saga.contains("erasureDeadline")
                                  && !saga.contains("\"erasureDeadline\":null"));
        assertThat(new VerifyReport(owner(SOURCE)).lines()).isEqualTo(before);
        // verify: the same tables, and the two accounts whose key the topic no longer protects.
        String verified = run(SOURCE, "verify", RecoveryCommand.KEYS_NOT_BACKED_UP);
        assertThat(verified).contains(before).contains("2 of 23 live accounts' data keys")
                            .contains(forgedTombstoneVictim + "  a later record that does not verify ("
                                      + forged.tombstone())
                            .contains(taggedTombstoneVictim + "  its latest authenticated record is a tombstone ("
                                      + forged.tombstoneWithoutPurge());
        assertThat(run(SOURCE, "restore", 3)).contains("Refused: the event store is not empty");

        // With another master key every record is refused; then, with the right one, the restore stages again from
        // the start (the killed run below), killed half-way and run again: the same store.
        TestInfrastructure.postgres().ensureDatabase(RESUMED, OWNER);
        Path otherKey = Path.of("target", "recovery-it-other-master-key.json");
        Files.deleteIfExists(otherKey);
        assertThat(run(RESUMED, "restore", EventStoreRestore.RECORDS_REFUSED,
                       "--account.crypto.master-key-file=" + otherKey.toAbsolutePath(), "--skip", skip))
                .contains("which this master keyset does not hold");
        Process killed = startRestoreProcess(RESUMED, skip);
        JdbcTemplate resumed = owner(RESUMED);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).until(() -> {
            assertThat(killed.isAlive()).as("the restore is still running").isTrue();
            return tableExists(resumed) && resumed.queryForObject("select count(*) from restore_event_staging",
                                                                  Long.class) > 0;
        });
        killed.destroyForcibly().waitFor();
        assertThat(Files.readString(KILLED_RESTORE_LOG)).contains("The master keys differ from the last run's");
        assertThat(resumed.queryForObject("select count(*) from restore_state where finished_at is null", Long.class))
                .as("killed before it finished").isEqualTo(1);
        assertThat(resumed.queryForObject("select count(*) from domain_event_entry", Long.class))
                .as("killed while staging: the event store untouched").isZero();
        assertThat(run(RESUMED, "restore", 0, "--skip", skip)).contains("Resuming the restore");
        assertThat(new VerifyReport(resumed).lines()).isEqualTo(before);

        // The service on the restored store: personal data back where not purged, the purged account unreadable,
        // the pending purge done at its original instant, the purged key gone from the topic too.
        try (ConfigurableApplicationContext service = ServiceInstances.startOn(
                kafka, SOURCE, "recovery-it-after", "--account.kafka.intake.enabled=false",
                "--account.kafka.topics.key-shred-bound=PT2S")) {
            HttpJson http = ServiceInstances.http(service);
            for (Map.Entry<UUID, String> account : emails.entrySet()) {
                JsonNode read = http.get("/accounts/" + account.getKey()).json();
                if (account.getKey().equals(purged)) {
                    assertThat(read.get("status").asString()).isEqualTo("PURGED");
                    assertThat(read.get("email").isNull()).isTrue();
                } else if ((account.getKey().equals(quarantined) || account.getKey().equals(erasure))
                           && read.get("status").asString().equals("PURGED")) {
                    // Its hold ended while the restore ran (a slow or busy machine): purged at its original
                    // instant, as checked below, is what must happen then.
                    assertThat(Instant.now()).isAfterOrEqualTo(purgeDue);
                } else {
                    assertThat(read.get("email").asString()).isEqualTo(account.getValue());
                }
            }
            assertThat(owner(SOURCE).queryForObject("select count(*) from account_data_key where key_id = ?",
                                                    Long.class, purged.toString())).isZero();
            await().atMost(Duration.ofSeconds(120)).until(() -> status(http, quarantined).equals("PURGED"));
            Instant purgedAt = owner(SOURCE).queryForObject("""
                    select time_stamp from domain_event_entry where aggregate_identifier = ?
                    and payload_type like '%AccountPurgedEvent'""", Timestamp.class,
                                                            quarantined.toString()).toInstant();
            assertThat(purgedAt).as("purged at its original instant, not after a fresh hold")
                                .isAfterOrEqualTo(purgeDue).isBefore(purgeDue.plusSeconds(30));
            assertThat(status(http, cancelled)).isEqualTo("ACTIVE");

            // The hold came back: the held account is past its due time and still not purged, until released.
            JsonNode heldState = http.get("/accounts/" + held).json();
            Instant heldDue = Instant.parse(heldState.get("purgeDueAt").asString());
            assertThat(heldState.get("legalHolds").valueStream().map(JsonNode::asString)).containsExactly(holdId);
            await().atMost(Duration.ofSeconds(60)).until(() -> Instant.now().isAfter(heldDue.plusSeconds(3)));
            heldState = http.get("/accounts/" + held).json();
            assertThat(heldState.get("status").asString()).isEqualTo("QUARANTINED");
            assertThat(heldState.get("purgeBlockedBy").valueStream().map(JsonNode::asString)).containsExactly(holdId);
            // The erasure request came back with its kind and deadline.
            await().atMost(Duration.ofSeconds(120)).until(() -> status(http, erasure).equals("PURGED"));
            assertThat(http.get("/accounts/" + erasure + "/events").json().get("items").valueStream()
                           .filter(e -> e.get("type").asString().equals("AccountDeletionRequested")).findFirst()
                           .orElseThrow().at("/payload/erasureDeadline").asString())
                    .isEqualTo(erasureDeadline.toString());
            assertThat(http.post("/admin/legal-holds/" + holdId + "/release", "{\"reason\":\"drill over\"}")
                           .status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(http, held).equals("PURGED"));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(keyRecords(purged.toString()))
                .as("records of the purged account's key on %s (its tombstone may be gone too)", KafkaTopics.KEYS)
                .allMatch(Objects::isNull));
    }

    private static boolean tableExists(JdbcTemplate jdbc) {
        return Boolean.TRUE.equals(jdbc.queryForObject("select to_regclass('restore_event_staging') is not null",
                                                       Boolean.class));
    }

    private static KeysetHandle testMasterKey() throws Exception {
        AeadConfig.register();
        return TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(MASTER_KEY), InsecureSecretKeyAccess.get());
    }

    /** Where the records the service did not write went. */
    private record Forged(RecordLocation event, RecordLocation untagged, RecordLocation tombstone,
                          RecordLocation tombstoneWithoutPurge, RecordLocation unreadable) {
        List<RecordLocation> all() {
            return List.of(event, untagged, tombstone, tombstoneWithoutPurge, unreadable);
        }
    }

    /**
     * Five records a restore must refuse: a changed envelope under the original's tag, an envelope with no tag, a
     * tombstone for a live account's key under another record's tag, a tombstone tagged right (the test knows the
     * master key, as a bug in the service would) for a live account that was never purged, and a value tagged right
     * that is no envelope (cut off mid-JSON, as a bug in the service would write it). And three it must accept:
     * a re-published key record of {@code republished} tagged by a master key since rotated away, the retired MAC
     * keys of that master key (written after it, as a rotation does), wrapped by the current one, and a re-published
     * envelope tagged by the retired key.
     */
    private static Forged forge(RecordAuthentication tags, KeysetHandle masterKey, UUID forgedTombstoneVictim,
                                UUID taggedTombstoneVictim, UUID republished) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> events = rawRecords(KafkaTopics.EVENTS);
        ConsumerRecord<byte[], byte[]> real = events.get(events.size() / 2);
        ObjectNode changed = (ObjectNode) JSON.readTree(real.value());
        changed.put("eventId", UUID.randomUUID().toString()).put("globalIndex", 1_000_000)
               .put("sequenceNumber", 1_000);
        Headers realTag = new RecordHeaders().add(real.headers().lastHeader(RecordAuthentication.HEADER));
        RecordLocation event = send(KafkaTopics.EVENTS, real.key(), JSON.writeValueAsBytes(changed), realTag);
        changed.put("eventId", UUID.randomUUID().toString()).put("globalIndex", 1_000_001);
        RecordLocation untagged = send(KafkaTopics.EVENTS, real.key(), JSON.writeValueAsBytes(changed),
                                       new RecordHeaders());
        RecordLocation tombstone = send(KafkaTopics.KEYS, bytes(forgedTombstoneVictim.toString()), null,
                                        new RecordHeaders().add(real.headers().lastHeader(
                                                RecordAuthentication.HEADER)));
        RecordHeaders signed = new RecordHeaders();
        tags.sign(KafkaTopics.KEYS, bytes(taggedTombstoneVictim.toString()), null, signed);
        RecordLocation withoutPurge = send(KafkaTopics.KEYS, bytes(taggedTombstoneVictim.toString()), null, signed);
        byte[] cutOff = java.util.Arrays.copyOf(real.value(), real.value().length / 2);
        RecordHeaders cutOffTag = new RecordHeaders();
        tags.sign(KafkaTopics.EVENTS, real.key(), cutOff, cutOffTag);
        assertThat(tags.verify(KafkaTopics.EVENTS, real.key(), cutOff, cutOffTag).authentic())
                .as("the unreadable record's tag verifies").isTrue();
        RecordLocation unreadable = send(KafkaTopics.EVENTS, real.key(), cutOff, cutOffTag);

        KeysetHandle retired = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        byte[] key = bytes(republished.toString());
        byte[] latestKey = rawRecords(KafkaTopics.KEYS).stream().filter(r -> java.util.Arrays.equals(r.key(), key))
                                                      .map(ConsumerRecord::value).reduce((a, b) -> b).orElseThrow();
        RecordHeaders keyByRetired = new RecordHeaders();
        RecordAuthentication.of(retired).sign(KafkaTopics.KEYS, key, latestKey, keyByRetired);
        send(KafkaTopics.KEYS, key, latestKey, keyByRetired);
        byte[] retiredKeys = bytes(RecordAuthentication.retiredKeysRecordValue(
                masterKey.getPrimitive(RegistryConfiguration.get(), Aead.class),
                RecordAuthentication.macKeys(retired)));
        RecordHeaders retiredKeysTag = new RecordHeaders();
        tags.sign(KafkaTopics.KEYS, bytes(RecordAuthentication.RETIRED_KEYS_RECORD), retiredKeys, retiredKeysTag);
        send(KafkaTopics.KEYS, bytes(RecordAuthentication.RETIRED_KEYS_RECORD), retiredKeys, retiredKeysTag);
        RecordHeaders oldTag = new RecordHeaders();
        RecordAuthentication.of(retired).sign(KafkaTopics.EVENTS, real.key(), real.value(), oldTag);
        send(KafkaTopics.EVENTS, real.key(), real.value(), oldTag);
        return new Forged(event, untagged, tombstone, withoutPurge, unreadable);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static RecordLocation send(String topic, byte[] key, byte[] value, Headers headers) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, null, key, value, headers)).get();
            return new RecordLocation(topic, sent.partition(), sent.offset());
        }
    }

    /** Every record of {@code topic} as the bytes on the broker. */
    private static List<ConsumerRecord<byte[], byte[]>> rawRecords(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "enable.auto.commit", false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                                                      .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** The events of the source are on the topic (the publisher follows the store). */
    private void awaitPublished(JdbcTemplate source) {
        long stored = source.queryForObject("select count(*) from domain_event_entry", Long.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> records(KafkaTopics.EVENTS).size() >= stored);
    }

    private static List<ConsumerRecord<String, String>> records(String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "enable.auto.commit", false),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                                                      .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static List<String> keyRecords(String keyId) {
        return records(KafkaTopics.KEYS).stream().filter(r -> keyId.equals(r.key())).map(ConsumerRecord::value)
                                        .toList();
    }

    /** The jar's restore in a JVM of its own, slowed down so that it can be killed half-way. */
    private static Process startRestoreProcess(String database, String skip) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-XX:TieredStopAtLevel=1", "-jar", ServiceJar.path().toString()));
        command.addAll(serviceArguments(database, "restore"));
        command.add("--skip=" + skip);
        command.add("--account.restore.page-size=5");
        command.add("--account.restore.pause-between-pages=PT0.3S");
        command.add("--account.data-dir=target/recovery-it");
        // The tests' master key (config/application.properties of the tests; a JVM of its own does not read it).
        command.add("--account.crypto.master-key-file="
                    + Path.of("target", "test-data", "keys", "master-key.json").toAbsolutePath());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(KILLED_RESTORE_LOG.toFile())
                                          .start();
    }
}
