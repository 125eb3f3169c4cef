package io.accountlifecycle.service.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.accountlifecycle.service.eventstore.EventTable;
import io.accountlifecycle.service.kafka.KafkaTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The events from {@code account.events}, written with their original global index, so the restored store is the lost
 * one row for row. Each page of records commits together with how far each partition was read
 * ({@code restore_progress}), and a record met twice (published twice, or read again after a kill) is skipped by its
 * unique event id: a restore killed half-way and run again completes with no duplicate and nothing missing.
 */
final class EventRestore {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    private final TopicReader topics;
    private final EventTable events;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ObjectMapper json = EventStoreConfiguration.axonObjectMapper();
    /** Records per transaction. */
    private final int page;
    /** A pause after each page: spares a database that serves too. */
    private final Duration pause;

    EventRestore(TopicReader topics, EventTable events, JdbcTemplate jdbc, TransactionTemplate transaction, int page,
                 Duration pause) {
        this.topics = topics;
        this.events = events;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.page = page;
        this.pause = pause;
    }

    /** A page of rows, and how far each partition has been read once it is written. */
    private record Page(List<EventTable.Row> rows, Map<TopicPartition, Long> offsets) {
        static final Page END = new Page(null, Map.of());
    }

    /** Returns the events in the store afterwards. */
    long run(PrintStream out) {
        try (KafkaConsumer<String, byte[]> consumer = topics.consumer()) {
            List<TopicPartition> partitions = TopicReader.partitions(consumer, KafkaTopics.EVENTS);
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
                    List<EventTable.Row> rows = new ArrayList<>(page);
                    while (partitions.stream().anyMatch(p -> next.get(p) < end.get(p))) {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                            if (record.offset() >= end.get(partition)) {
                                continue; // published after the restore began: not part of the lost store
                            }
                            rows.add(row(record));
                            next.put(partition, record.offset() + 1);
                            readCount.incrementAndGet();
                        }
                        if (rows.size() >= page || partitions.stream().allMatch(p -> next.get(p) >= end.get(p))) {
                            pages.put(new Page(rows, Map.copyOf(next)));
                            rows = new ArrayList<>(page);
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
                    written += write(current);
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
            out.printf("Events: %,d records read, %,d events written%n", readCount.get(), written);
            return events.count();
        }
    }

    /**
     * One page in one transaction, with how far each partition has been read. Without waiting for the disk: a page
     * lost to a crash is lost with its progress row and simply read again.
     */
    private int write(Page current) {
        Integer inserted = transaction.execute(status -> {
            jdbc.execute("set local synchronous_commit = off");
            int rows = events.insertRestored(current.rows());
            List<Object[]> offsets = current.offsets().entrySet().stream()
                                            .map(e -> new Object[] {e.getKey().topic(), e.getKey().partition(),
                                                                    e.getValue()}).toList();
            jdbc.batchUpdate("""
                             insert into restore_progress (topic, partition, next_offset) values (?, ?, ?)
                             on conflict (topic, partition) do update set next_offset = excluded.next_offset""",
                             offsets);
            return rows;
        });
        return inserted == null ? 0 : inserted;
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

    /** The stored row an envelope carries (every column of the event store; see {@code EventEnvelope}). */
    private EventTable.Row row(ConsumerRecord<String, byte[]> record) {
        JsonNode event;
        try {
            event = json.readTree(record.value());
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable record at " + record.topic() + "-" + record.partition() + "@"
                                            + record.offset() + ": the event log is damaged there", e);
        }
        long globalIndex = event.get("globalIndex").asLong();
        if (globalIndex < 1) {
            throw new IllegalStateException("Event " + event.get("eventId").asText() + " has no global index");
        }
        String eventId = event.get("eventId").asText();
        String aggregateId = text(event, "aggregateId");
        JsonNode meta = event.get("metadata");
        return new EventTable.Row(globalIndex, eventId, aggregateId != null ? aggregateId : eventId,
                                  event.get("sequenceNumber").asLong(), text(event, "aggregateType"),
                                  Instant.parse(event.get("occurredAt").asText()), event.get("payloadType").asText(),
                                  text(event, "payloadRevision"),
                                  event.get("payload").toString().getBytes(StandardCharsets.UTF_8),
                                  meta == null || meta.isNull() ? null
                                                                : meta.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
