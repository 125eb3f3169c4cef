package io.accountlifecycle.service.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.QuarantineAccountCommand;
import io.accountlifecycle.purge.saga.PurgeSagaRestorer;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.accountlifecycle.service.kafka.KafkaTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Rebuilds an empty event store and key store from {@code account.events} and {@code account.keys}, then the purge
 * sagas and their deadlines at their original instants, and sets every processor that acts on the world (publication,
 * the saga, the batch executor) at the head of the restored store so that none acts again on history. Projections are
 * rebuilt afterwards from the first event ({@link RecoveryCommand}).
 *
 * <p>Events are written with their original global index, so the restored store is the lost one row for row; each
 * page of records commits together with how far each partition was read ({@code restore_progress}), and a record met
 * twice (published twice, or read again after a kill) is skipped by its unique event id: a restore killed half-way
 * and run again completes with no duplicate and nothing missing.
 */
public class EventStoreRestore {

    /** Processors whose handlers act (publish, send commands, schedule): set at the head, never replayed. */
    static final List<String> ACTING_PROCESSORS = List.of("account-events-publisher", "AccountPurgeSagaProcessor",
                                                         "deletion-batch-executor");
    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Map<String, Object> consumerProperties;
    private final TokenStore tokens;
    private final EventStorageEngine storage;
    private final PurgeSagaRestorer sagas;
    private final CommandGateway commands;
    private final Environment environment;
    private final ObjectMapper json = EventStoreConfiguration.axonObjectMapper();
    /** Records per transaction ({@code account.restore.page-size}). */
    private final int page;
    /** A pause after each page ({@code account.restore.pause-between-pages}): spares a database that serves too. */
    private final Duration pause;

    public EventStoreRestore(JdbcTemplate jdbc, TransactionTemplate transaction, Map<String, Object> consumerProperties,
                             TokenStore tokens, EventStorageEngine storage, PurgeSagaRestorer sagas,
                             CommandGateway commands, Environment environment) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.consumerProperties = consumerProperties;
        this.tokens = tokens;
        this.storage = storage;
        this.sagas = sagas;
        this.commands = commands;
        this.environment = environment;
        this.page = environment.getProperty("account.restore.page-size", Integer.class, 5_000);
        this.pause = environment.getProperty("account.restore.pause-between-pages", Duration.class, Duration.ZERO);
    }

    /** Exit status: 0 restored (or restored before, projections still to rebuild), 3 refused. */
    public int run(PrintStream out) {
        List<Map<String, Object>> state = jdbc.queryForList(
                "select finished_at, processors_reset_at, projections_rebuilt_at from restore_state");
        Boolean hasEvents = jdbc.queryForObject("select exists(select 1 from domain_event_entry)", Boolean.class);
        if (!state.isEmpty() && state.get(0).get("finished_at") != null) {
            if (state.get(0).get("projections_rebuilt_at") == null) {
                out.println("The event store was restored before; the projections are rebuilt next");
                return 0;
            }
            return refuseNonEmpty(out);
        }
        if (Boolean.TRUE.equals(hasEvents) && state.isEmpty()) {
            return refuseNonEmpty(out);
        }
        Long live = jdbc.queryForObject("select count(*) from processing_member where last_seen > now() - interval "
                                        + "'1 minute'", Long.class);
        if (live != null && live > 0) {
            out.println("Refused: a service instance ran processors against this database less than a minute ago. "
                        + "Stop every instance before restoring.");
            return 3;
        }
        jdbc.update("insert into restore_state (started_at) values (now()) on conflict (id) do nothing");
        Instant started = Instant.now();
        out.println(state.isEmpty() ? "Restoring from Kafka" : "Resuming the restore where it stopped");

        int keys = restoreKeys(out);
        long events = restoreEvents(out);
        forgetPurgedKeys();
        advanceGlobalIndexSequence();
        List<UUID> awaitingQuarantine = new ArrayList<>();
        int restoredSagas = restoreSagas(out, awaitingQuarantine);
        boolean reset = state.isEmpty() || state.get(0).get("processors_reset_at") == null;
        if (reset) {
            resetProcessors();
        }
        quarantine(awaitingQuarantine);
        jdbc.update("update restore_state set finished_at = now()");
        Duration took = Duration.between(started, Instant.now());
        out.printf("Restored %,d events, %,d data keys and %,d purge sagas in %.1f s (%,.0f events/s)%n", events, keys,
                   restoredSagas, took.toMillis() / 1000.0, events / Math.max(0.001, took.toMillis() / 1000.0));
        return 0;
    }

    private static int refuseNonEmpty(PrintStream out) {
        out.println("Refused: the event store is not empty. A restore only fills an empty database; to restore over "
                    + "this one, the owner role drops and recreates it first (README, \"The database is gone\").");
        return 3;
    }

    /**
     * A key the topic still had although its account was purged (a key record delivered late, after the tombstone)
     * does not come back: the restored events say the account is purged.
     */
    private void forgetPurgedKeys() {
        jdbc.update("delete from account_data_key where key_id in (select aggregate_identifier from "
                    + "domain_event_entry where payload_type = ?)", AccountPurgedEvent.class.getName());
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> properties = new HashMap<>(consumerProperties);
        properties.remove("group.id");
        properties.remove("group.protocol");
        properties.put("enable.auto.commit", false);
        properties.put("max.poll.records", page);
        properties.put("fetch.max.bytes", 64 * 1024 * 1024);
        properties.put("max.partition.fetch.bytes", 16 * 1024 * 1024);
        return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " not found on the broker");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /**
     * Every live key, latest record per key id (the topic is compacted; a tombstone not yet compacted deletes). Read
     * whole on every run: it holds one small record per account.
     */
    private int restoreKeys(PrintStream out) {
        Map<String, byte[]> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, KafkaTopics.KEYS);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))
                        && !record.key().startsWith("__")) { // the topic's own segment-roll markers
                        latest.put(record.key(), record.value());
                    }
                }
            }
        }
        List<Object[]> live = new ArrayList<>();
        List<Object[]> purged = new ArrayList<>();
        for (Map.Entry<String, byte[]> key : latest.entrySet()) {
            if (key.getValue() == null) {
                purged.add(new Object[] {key.getKey()});
            } else {
                live.add(new Object[] {key.getKey(), wrappedKey(key.getValue())});
            }
        }
        transaction.executeWithoutResult(status -> {
            jdbc.batchUpdate("insert into account_data_key (key_id, wrapped_key) values (?, ?) "
                             + "on conflict (key_id) do nothing", live);
            jdbc.batchUpdate("delete from account_data_key where key_id = ?", purged);
        });
        out.printf("Data keys: %,d restored, %,d purged keys not restored%n", live.size(), purged.size());
        return live.size();
    }

    private byte[] wrappedKey(byte[] value) {
        try {
            return Base64.getDecoder().decode(json.readTree(value).get("wrappedKey").asText());
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable record on " + KafkaTopics.KEYS, e);
        }
    }

    private long restoreEvents(PrintStream out) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, KafkaTopics.EVENTS);
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> next = new HashMap<>(consumer.beginningOffsets(partitions));
            jdbc.query("select partition, next_offset from restore_progress where topic = ?",
                       row -> {
                           next.put(new TopicPartition(KafkaTopics.EVENTS, row.getInt(1)), row.getLong(2));
                       }, KafkaTopics.EVENTS);
            next.forEach(consumer::seek);
            long total = partitions.stream().mapToLong(p -> Math.max(0, end.get(p) - next.get(p))).sum();
            // A reader thread polls and parses the next page while this one writes the last: the two halves of a
            // restore (the broker and JSON, PostgreSQL) overlap on two cores.
            BlockingQueue<Page> pages = new ArrayBlockingQueue<>(2);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            AtomicLong readCount = new AtomicLong();
            Thread reader = new Thread(() -> {
                try {
                    List<JsonNode> records = new ArrayList<>(page);
                    while (partitions.stream().anyMatch(p -> next.get(p) < end.get(p))) {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                            if (record.offset() >= end.get(partition)) {
                                continue; // published after the restore began: not part of the lost store
                            }
                            records.add(envelope(record));
                            next.put(partition, record.offset() + 1);
                            readCount.incrementAndGet();
                        }
                        if (records.size() >= page || partitions.stream().allMatch(p -> next.get(p) >= end.get(p))) {
                            pages.put(new Page(rows(records), Map.copyOf(next)));
                            records = new ArrayList<>(page);
                        }
                    }
                    pages.put(Page.END);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt(); // the writer failed and stopped this reader
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "restore-reader");
            reader.setDaemon(true);
            reader.start();
            long written = 0;
            Instant start = Instant.now();
            Instant reported = start;
            try {
                while (true) {
                    Page current = pages.poll(1, TimeUnit.SECONDS);
                    if (current == null) {
                        if (failed.get() != null || !reader.isAlive() && pages.isEmpty()) {
                            break;
                        }
                        continue;
                    }
                    if (current == Page.END) {
                        break;
                    }
                    written += writePage(current.rows(), current.offsets());
                    pause();
                    if (Duration.between(reported, Instant.now()).compareTo(REPORT_EVERY) >= 0) {
                        reported = Instant.now();
                        double seconds = Duration.between(start, reported).toMillis() / 1000.0;
                        long read = readCount.get();
                        out.printf("Events: %,d of %,d records read (%.0f %%), %,d written, %,.0f records/s%n",
                                   read, total, 100.0 * read / Math.max(1, total), written,
                                   written / Math.max(0.001, seconds));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            } finally {
                // The consumer is the reader's: stop it before the consumer is closed, whatever happened here.
                reader.interrupt();
                try {
                    reader.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failed.get() != null) {
                throw new IllegalStateException("Reading " + KafkaTopics.EVENTS + " failed", failed.get());
            }
            long read = readCount.get();
            out.printf("Events: %,d records read, %,d events written%n", read, written);
            return jdbc.queryForObject("select count(*) from domain_event_entry", Long.class);
        }
    }

    private void pause() {
        if (!pause.isZero()) {
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
        }
    }

    private JsonNode envelope(ConsumerRecord<String, byte[]> record) {
        try {
            return json.readTree(record.value());
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable record at " + record.topic() + "-" + record.partition() + "@"
                                            + record.offset() + ": the event log is damaged there", e);
        }
    }

    /** A page of rows as column arrays, and how far each partition has been read once it is written. */
    private record Page(Rows rows, Map<TopicPartition, Long> offsets) {
        static final Page END = new Page(null, Map.of());
    }

    private record Rows(Object[] globalIndexes, Object[] eventIds, Object[] aggregateIds, Object[] sequences,
                        Object[] types, Object[] timestamps, Object[] payloadTypes, Object[] revisions,
                        byte[][] payloads, byte[][] metadata) {
    }

    private static Rows rows(List<JsonNode> page) {
        int size = page.size();
        Object[] globalIndexes = new Object[size];
        Object[] eventIds = new Object[size];
        Object[] aggregateIds = new Object[size];
        Object[] sequences = new Object[size];
        Object[] types = new Object[size];
        Object[] timestamps = new Object[size];
        Object[] payloadTypes = new Object[size];
        Object[] revisions = new Object[size];
        byte[][] payloads = new byte[size][];
        byte[][] metadata = new byte[size][];
        for (int i = 0; i < size; i++) {
            JsonNode event = page.get(i);
            long globalIndex = event.get("globalIndex").asLong();
            if (globalIndex < 1) {
                throw new IllegalStateException("Event " + event.get("eventId").asText() + " has no global index");
            }
            globalIndexes[i] = globalIndex;
            eventIds[i] = event.get("eventId").asText();
            aggregateIds[i] = text(event, "aggregateId") != null ? text(event, "aggregateId")
                                                                   : event.get("eventId").asText();
            sequences[i] = event.get("sequenceNumber").asLong();
            types[i] = text(event, "aggregateType");
            timestamps[i] = Instant.parse(event.get("occurredAt").asText()).toString();
            payloadTypes[i] = event.get("payloadType").asText();
            revisions[i] = text(event, "payloadRevision");
            payloads[i] = event.get("payload").toString().getBytes(StandardCharsets.UTF_8);
            JsonNode meta = event.get("metadata");
            metadata[i] = meta == null || meta.isNull() ? null : meta.toString().getBytes(StandardCharsets.UTF_8);
        }
        return new Rows(globalIndexes, eventIds, aggregateIds, sequences, types, timestamps, payloadTypes, revisions,
                        payloads, metadata);
    }

    /**
     * One page in one transaction, with how far each partition has been read. Without waiting for the disk: a page
     * lost to a crash is lost with its progress row and simply read again.
     */
    private int writePage(Rows rows, Map<TopicPartition, Long> next) {
        return transaction.execute(status -> {
            jdbc.execute("set local synchronous_commit = off");
            int inserted = jdbc.execute((Connection connection) -> {
                try (var insert = connection.prepareStatement("""
                        insert into domain_event_entry (global_index, event_identifier, aggregate_identifier,
                               sequence_number, type, time_stamp, payload_type, payload_revision, payload, meta_data)
                        select * from unnest(?::bigint[], ?::varchar[], ?::varchar[], ?::bigint[], ?::varchar[],
                                             ?::text[]::timestamptz[], ?::varchar[], ?::varchar[], ?::bytea[],
                                             ?::bytea[])
                        on conflict (event_identifier) do nothing""")) {
                    Array[] arrays = {connection.createArrayOf("bigint", rows.globalIndexes()),
                                      connection.createArrayOf("varchar", rows.eventIds()),
                                      connection.createArrayOf("varchar", rows.aggregateIds()),
                                      connection.createArrayOf("bigint", rows.sequences()),
                                      connection.createArrayOf("varchar", rows.types()),
                                      connection.createArrayOf("text", rows.timestamps()),
                                      connection.createArrayOf("varchar", rows.payloadTypes()),
                                      connection.createArrayOf("varchar", rows.revisions()),
                                      connection.createArrayOf("bytea", rows.payloads()),
                                      connection.createArrayOf("bytea", rows.metadata())};
                    for (int i = 0; i < arrays.length; i++) {
                        insert.setArray(i + 1, arrays[i]);
                    }
                    return insert.executeUpdate();
                }
            });
            List<Object[]> offsets = next.entrySet().stream()
                                         .map(e -> new Object[] {e.getKey().topic(), e.getKey().partition(),
                                                                 e.getValue()}).toList();
            jdbc.batchUpdate("""
                             insert into restore_progress (topic, partition, next_offset) values (?, ?, ?)
                             on conflict (topic, partition) do update set next_offset = excluded.next_offset""",
                             offsets);
            return inserted;
        });
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** New events are numbered after the restored ones (the application role may draw, not set, the sequence). */
    private void advanceGlobalIndexSequence() {
        long highest = jdbc.queryForObject("select coalesce(max(global_index), 0) from domain_event_entry", Long.class);
        long drawn = jdbc.queryForObject("select nextval('domain_event_entry_global_index_seq')", Long.class);
        if (drawn < highest) {
            jdbc.queryForObject("select max(nextval('domain_event_entry_global_index_seq')) "
                                + "from generate_series(1, ?)", Long.class, highest - drawn);
        }
    }

    /**
     * Every account whose deletion is under way gets its saga back: quarantined ones with their purge at the
     * original instant (an instant already past fires at once), requested-but-not-quarantined ones waiting for the
     * quarantine, which is sent again. Done once: a resumed restore finds the sagas already there.
     */
    private int restoreSagas(PrintStream out, List<UUID> awaitingQuarantine) {
        // Per account, so that a restore killed half-way through the sagas completes them without doubles.
        Set<String> haveSaga = new HashSet<>(jdbc.queryForList(
                "select association_value from association_value_entry where association_key = 'accountId'",
                String.class));
        int count = 0;
        List<Map<String, Object>> last = jdbc.queryForList("""
                select distinct on (aggregate_identifier) aggregate_identifier, payload_type,
                       convert_from(payload, 'UTF8') as payload
                from domain_event_entry
                where type = 'Account' and payload_type in (?, ?, ?, ?)
                order by aggregate_identifier, sequence_number desc""",
                AccountDeletionRequestedEvent.class.getName(), AccountQuarantinedEvent.class.getName(),
                AccountDeletionCancelledEvent.class.getName(), AccountPurgedEvent.class.getName());
        for (Map<String, Object> row : last) {
            String id = (String) row.get("aggregate_identifier");
            UUID account = UUID.fromString(id);
            String type = (String) row.get("payload_type");
            if (type.equals(AccountQuarantinedEvent.class.getName())) {
                if (!haveSaga.contains(id)) {
                    sagas.quarantined(account, Instant.parse(readTree((String) row.get("payload"))
                                                                     .get("purgeDueAt").asText()));
                }
                count++;
            } else if (type.equals(AccountDeletionRequestedEvent.class.getName())) {
                if (!haveSaga.contains(id)) {
                    sagas.requested(account);
                }
                awaitingQuarantine.add(account);
                count++;
            }
        }
        out.printf("Purge sagas: %,d restored with their deadlines%n", count);
        return count;
    }

    /**
     * What the saga would have done next for a deletion requested just before the loss: quarantine for the hold from
     * the request. Sent after the processors were set at the head, so the saga sees the quarantine and schedules.
     */
    private void quarantine(List<UUID> accounts) {
        Duration hold = environment.getProperty("account.purge.hold", Duration.class, Duration.ofDays(30));
        for (UUID account : accounts) {
            Timestamp requestedAt = jdbc.queryForObject("""
                    select time_stamp from domain_event_entry where aggregate_identifier = ? and payload_type = ?
                    order by sequence_number desc limit 1""", Timestamp.class, account.toString(),
                                                        AccountDeletionRequestedEvent.class.getName());
            commands.sendAndWait(new QuarantineAccountCommand(account, requestedAt.toInstant().plus(hold)));
        }
    }

    private JsonNode readTree(String value) {
        try {
            return json.readTree(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Acting processors start at the head of the restored store; projections have no token and rebuild from the
     * first event.
     */
    private void resetProcessors() {
        TrackingToken head = storage.createHeadToken();
        transaction.executeWithoutResult(status -> {
            jdbc.update("update restore_state set processors_reset_at = now()");
            jdbc.update("delete from token_entry");
            for (String processor : ACTING_PROCESSORS) {
                int segments = environment.getProperty("axon.eventhandling.processors." + processor
                                                       + ".initial-segment-count", Integer.class, 1);
                tokens.initializeTokenSegments(processor, segments, head);
            }
        });
    }
}
