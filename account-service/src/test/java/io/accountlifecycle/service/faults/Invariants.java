package io.accountlifecycle.service.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.embedded.KafkaCredentials;
import io.accountlifecycle.service.kafka.KafkaTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What must hold after any fault, once it is removed and the service has recovered (README, "Reliability"): every
 * acknowledged command has exactly one effect in the event store; every stored event is on {@code account.events},
 * once per event id after de-duplication and in per-account order; the read models equal a replay of the store;
 * every due purge fired exactly once and a cancelled deletion never; no refusal broke the contract (a {@code 5xx}
 * other than {@code 503 + Retry-After}); nothing was dead-lettered.
 */
final class Invariants {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPENED = "io.accountlifecycle.api.AccountOpenedEvent";
    private static final String DELETION_REQUESTED = "io.accountlifecycle.api.AccountDeletionRequestedEvent";
    private static final String DELETION_CANCELLED = "io.accountlifecycle.api.AccountDeletionCancelledEvent";
    private static final String PURGED = "io.accountlifecycle.api.AccountPurgedEvent";
    private static final List<String> PROJECTION_TABLES = List.of("account_summary", "account_timeline", "audit_log",
                                                                  "daily_lifecycle_stats", "daily_stats_account");

    private final EmbeddedDefault target;
    private final JdbcTemplate sql;
    private final HttpJson http;
    /** What the checks measured, for the scenario's printout. */
    final Map<String, Object> figures = new LinkedHashMap<>();

    Invariants(EmbeddedDefault target) {
        this.target = target;
        this.sql = target.superuser();
        this.http = target.http();
    }

    void checkAll(MixedLoad load, Duration hold) {
        Map<String, Long> took = new LinkedHashMap<>();
        timed(took, "effects", () -> acknowledgedCommandsHaveExactlyOneEffect(load));
        refusalsKeptTheContract(load);
        timed(took, "purges", () -> duePurgesFiredExactlyOnce(hold));
        timed(took, "publication", () -> everyStoredEventIsPublishedOnceInOrder(load.startedAt));
        timed(took, "replay", this::readModelsEqualAReplay);
        timed(took, "dead letters", this::nothingWasDeadLettered);
        figures.put("checks took, ms", took);
    }

    private static void timed(Map<String, Long> took, String check, Runnable body) {
        long started = System.nanoTime();
        body.run();
        took.put(check, (System.nanoTime() - started) / 1_000_000);
    }

    void acknowledgedCommandsHaveExactlyOneEffect(MixedLoad load) {
        assertThat(load.openedOverHttp).as("opens acknowledged over HTTP").isNotEmpty();
        Map<UUID, Long> opened = countByAccount(OPENED);
        // -Dfaults.breakInvariant=true: a wrong expectation, to see the suite fail.
        long once = Boolean.getBoolean("faults.breakInvariant") ? 2 : 1;
        assertThat(load.openedOverHttp).as("acknowledged opens without exactly one AccountOpened")
                                       .filteredOn(id -> opened.getOrDefault(id, 0L) != once).isEmpty();
        Map<UUID, Long> requested = countByAccount(DELETION_REQUESTED);
        assertThat(load.deletionsAcknowledged).as("acknowledged deletions without exactly one request event")
                                              .filteredOn(id -> requested.getOrDefault(id, 0L) != 1).isEmpty();
        Map<UUID, Long> cancelled = countByAccount(DELETION_CANCELLED);
        assertThat(load.cancelsAcknowledged).as("acknowledged cancels without exactly one cancel event")
                                            .filteredOn(id -> cancelled.getOrDefault(id, 0L) != 1).isEmpty();

        Set<UUID> accepted = load.kafkaResults.entrySet().stream()
                                              .filter(e -> e.getValue().contains("ACCEPTED"))
                                              .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(load.kafkaResults.keySet()).as("Kafka commands without a result")
                                              .containsAll(load.kafkaSent.keySet());
        assertThat(accepted).as("Kafka commands accepted").isNotEmpty();
        Map<UUID, Long> effects = new HashMap<>();
        sql.query("select convert_from(meta_data, 'UTF8')::jsonb ->> 'correlationId', count(*) from domain_event_entry"
                  + " where payload_type = ? group by 1", row -> {
                      String correlation = row.getString(1);
                      if (correlation != null && correlation.length() == 36) {
                          effects.put(UUID.fromString(correlation), row.getLong(2));
                      }
                  }, OPENED);
        assertThat(accepted).as("accepted Kafka commands without exactly one event")
                            .filteredOn(id -> effects.getOrDefault(id, 0L) != 1).isEmpty();
        long answeredTwice = load.kafkaResults.values().stream().filter(r -> r.size() > 1).count();
        figures.put("http acknowledged", load.openedOverHttp.size() + load.deletionsAcknowledged.size()
                                         + load.cancelsAcknowledged.size());
        figures.put("kafka accepted", accepted.size());
        figures.put("kafka commands answered more than once (duplicates absorbed)", answeredTwice);
    }

    void refusalsKeptTheContract(MixedLoad load) {
        assertThat(load.contractBreaches).as("refusals other than 503 with Retry-After").isEmpty();
        figures.put("http statuses", new java.util.TreeMap<>(load.httpStatuses));
    }

    void duePurgesFiredExactlyOnce(Duration hold) {
        // Every deletion not cancelled is purged once its hold is over; a cancelled one never.
        await("due purges").atMost(hold.plus(Duration.ofSeconds(90))).pollInterval(Duration.ofSeconds(1))
                           .untilAsserted(() -> assertThat(purgesOwed()).as("deletions whose purge is owed").isEmpty());
        Map<UUID, Long> purged = countByAccount(PURGED);
        assertThat(purged).as("accounts purged more than once").allSatisfy((id, n) -> assertThat(n).isOne());
        Set<UUID> cancelled = countByAccount(DELETION_CANCELLED).keySet();
        Map<UUID, Long> requested = countByAccount(DELETION_REQUESTED);
        assertThat(purged.keySet()).as("purged although cancelled and never requested again")
                                   .filteredOn(id -> cancelled.contains(id) && requested.get(id) == 1).isEmpty();
        figures.put("purges", purged.size());
    }

    private List<UUID> purgesOwed() {
        return sql.queryForList("""
                select aggregate_identifier::uuid from domain_event_entry e
                 where payload_type = ?
                   and not exists (select 1 from domain_event_entry c where c.aggregate_identifier = e.aggregate_identifier
                                      and c.payload_type = ? and c.sequence_number > e.sequence_number)
                   and not exists (select 1 from domain_event_entry p where p.aggregate_identifier = e.aggregate_identifier
                                      and p.payload_type = ?)""", UUID.class,
                                DELETION_REQUESTED, DELETION_CANCELLED, PURGED);
    }

    /**
     * Every stored event on {@code account.events}, in per-account order; the publication lag (the record's
     * timestamp, taken when the publisher last sent it, less the event's) is reported for the events stored since
     * {@code since}.
     */
    private long duplicatesBefore;

    void everyStoredEventIsPublishedOnceInOrder(java.time.Instant since) {
        Map<String, String> stored = new HashMap<>();
        Map<String, Long> storedAt = new HashMap<>();
        sql.query("select event_identifier, aggregate_identifier, (extract(epoch from time_stamp) * 1000)::bigint "
                  + "from domain_event_entry", row -> {
            stored.put(row.getString(1), row.getString(2));
            long at = row.getLong(3);
            if (at >= since.toEpochMilli()) {
                storedAt.put(row.getString(1), at);
            }
        });
        long[] maxLag = {0};
        Map<String, Long> lastSequence = new HashMap<>();
        Set<String> seen = new HashSet<>();
        List<String> outOfOrder = new ArrayList<>();
        long[] duplicates = {0};
        try (var consumer = fromTheStart(KafkaTopics.EVENTS)) {
            await("every stored event on " + KafkaTopics.EVENTS).atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ZERO).until(() -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                            JsonNode event = JSON.readTree(record.value());
                            String id = event.get("eventId").asText();
                            if (!seen.add(id)) {
                                duplicates[0]++;
                                continue;
                            }
                            Long at = storedAt.get(id);
                            if (at != null) {
                                maxLag[0] = Math.max(maxLag[0], record.timestamp() - at);
                            }
                            String account = event.get("aggregateId").asText();
                            long sequence = event.get("sequenceNumber").asLong();
                            Long last = lastSequence.put(account, sequence);
                            if (last != null && sequence <= last) {
                                outOfOrder.add(account + ": " + sequence + " after " + last);
                            }
                        }
                        return seen.containsAll(stored.keySet());
                    });
        }
        assertThat(outOfOrder).as("events of an account out of order on " + KafkaTopics.EVENTS).isEmpty();
        assertThat(seen).as("events on the topic that are not in the store").isSubsetOf(stored.keySet());
        figures.put("events stored", stored.size());
        // The topic is read from its start: the duplicates of the earlier scenarios are counted again, so the figure is
        // what this scenario added.
        figures.put("events published twice (de-duplicated by eventId)", duplicates[0] - duplicatesBefore);
        duplicatesBefore = duplicates[0];
        figures.put("maximum publication lag (stored -> sent to account.events), ms", maxLag[0]);
    }

    /**
     * When {@code eventId} was first seen on {@code account.events}, in ms after {@code sinceNanos} (an upper bound:
     * the topic is read from its start).
     */
    long millisUntilPublished(String eventId, long sinceNanos) {
        try (var consumer = fromTheStart(KafkaTopics.EVENTS)) {
            return await("event " + eventId + " on " + KafkaTopics.EVENTS).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ZERO).until(() -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                            if (JSON.readTree(record.value()).get("eventId").asText().equals(eventId)) {
                                return (System.nanoTime() - sinceNanos) / 1_000_000;
                            }
                        }
                        return -1L;
                    }, found -> found >= 0);
        }
    }

    void readModelsEqualAReplay() {
        awaitProjectionsCaughtUp();
        Map<String, String> live = checksums();
        for (String projection : List.of("account-summary", "account-timeline", "audit-log", "daily-stats")) {
            assertThat(http.post("/admin/projections/" + projection + "/replay", "").status()).as(projection)
                                                                                          .isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> http.get("/admin/projections").json().valueStream()
                                                               .noneMatch(p -> p.get("replaying").asBoolean()));
        // Nothing is appended meanwhile (the load has stopped, the purges are done), so the replayed read models
        // must come to equal the live ones; compared as soon as they do, not after the restarted processors have
        // claimed their segments again (Axon's token claim interval, 5 s), which says nothing about the read models.
        await("the read models against a replay of the store").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(checksums()).as("the read models against a replay of the store")
                                                          .isEqualTo(live));
    }

    void nothingWasDeadLettered() {
        assertThat(http.get("/admin/projections").json().valueStream()
                       .filter(p -> p.get("deadLetters").asLong() > 0)
                       .map(p -> p.get("name").asString()).toList()).as("projections with dead letters").isEmpty();
        try (var consumer = fromTheStart(KafkaTopics.COMMANDS_DLT)) {
            long deadLetters = consumer.endOffsets(consumer.assignment()).values().stream()
                                       .mapToLong(Long::longValue).sum();
            assertThat(deadLetters).as("records on " + KafkaTopics.COMMANDS_DLT).isZero();
        }
    }

    /** How many records {@code topic} holds (the sum of its partitions' end offsets), read past the service's link. */
    long recordsOn(String topic) {
        try (var consumer = fromTheStart(topic)) {
            return consumer.endOffsets(consumer.assignment()).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A consumer as the service's user, assigned every partition of {@code topic} from its first record. */
    private KafkaConsumer<String, String> fromTheStart(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(target.kafka(KafkaCredentials.SERVICE_USER),
                                                                     new StringDeserializer(),
                                                                     new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                                                  .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private void awaitProjectionsCaughtUp() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long head = sql.queryForObject("select coalesce(max(global_index), 0) from domain_event_entry", Long.class);
            return http.get("/admin/projections").json().valueStream()
                       .allMatch(p -> p.get("running").asBoolean() && !p.get("replaying").asBoolean()
                                      && p.get("caughtUp").asBoolean() && p.get("position").asLong(-1) >= head);
        });
    }

    private Map<String, String> checksums() {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String table : PROJECTION_TABLES) {
            sums.put(table, sql.queryForObject("select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' "
                                               + "order by t::text)), '') from projection." + table + " t",
                                               String.class));
        }
        return sums;
    }

    private Map<UUID, Long> countByAccount(String payloadType) {
        Map<UUID, Long> counts = new HashMap<>();
        sql.query("select aggregate_identifier::uuid, count(*) from domain_event_entry where payload_type = ? "
                  + "group by 1", row -> { counts.put(row.getObject(1, UUID.class), row.getLong(2)); }, payloadType);
        return counts;
    }
}
