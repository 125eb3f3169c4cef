package io.accountlifecycle.service.recovery;

import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.accountlifecycle.service.eventstore.EventTable;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.personal.PersonalDataSealer;
import io.accountlifecycle.service.personal.RecordAuthentication;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
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
import java.util.stream.Collectors;

/**
 * The events from {@code account.events}, each record's tag checked and its envelope read as it is written into
 * staging ({@value #STAGING}, with the event store's columns and their original global index). Each page commits
 * together with how far each partition was read and the records refused in it, so a restore killed half-way goes on
 * from there — unless the master keys differ from that run's, which stages again from the start. A record met twice
 * (published twice, or read again after a kill) is staged once, by its global index.
 * Nothing here touches the event store: {@link #merge} moves the staged events in once every record verified or was
 * skipped by name.
 */
final class EventRestore {

    static final String STAGING = "restore_event_staging";
    /** Unresolved refusals after which reading stops: past it, the cause is not a few records (a wrong master key?). */
    static final int MAX_REFUSALS = 100;
    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    private final TopicReader topics;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    /** Records per transaction. */
    private final int page;
    /** A pause after each page: spares a database that serves too. */
    private final Duration pause;
    private final EventSchema schema = EventStoreConfiguration.eventSchema();
    private final String columns;

    EventRestore(TopicReader topics, JdbcTemplate jdbc, TransactionTemplate transaction, int page, Duration pause) {
        this.topics = topics;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.page = page;
        this.pause = pause;
        this.columns = String.join(", ", schema.globalIndexColumn(), schema.eventIdentifierColumn(),
                                   schema.aggregateIdentifierColumn(), schema.sequenceNumberColumn(),
                                   schema.typeColumn(), schema.timestampColumn(), schema.payloadTypeColumn(),
                                   schema.payloadRevisionColumn(), schema.payloadColumn(), schema.metaDataColumn());
    }

    /** A page of rows and refusals, and how far each partition has been read once it is written. */
    private record Page(List<EventTable.Row> rows, List<Refusal> refusals, Map<TopicPartition, Long> offsets) {
        static final Page END = new Page(null, null, Map.of());
    }

    /**
     * What staging holds after a run: the records read in this run, every refusal so far (this run's and a killed
     * run's), and whether the topic was read to its end (not when reading stopped at {@link #MAX_REFUSALS}).
     */
    record Staged(long read, long staged, List<Refusal> refusals, boolean complete) {
    }

    Staged stage(RecordAuthentication authentication, Set<RecordLocation> skips, PrintStream out) {
        String verifier = authentication.knownKeyIds().stream().sorted().map(String::valueOf)
                                        .collect(Collectors.joining(","));
        String stagedWith = jdbc.queryForObject("select staged_with from restore_state", String.class);
        if (stagedWith != null && !stagedWith.equals(verifier)) {
            out.printf("The master keys differ from the last run's (%s, now %s): staging %s again from the start%n",
                       stagedWith, verifier, KafkaTopics.EVENTS);
            jdbc.execute("truncate " + STAGING);
            jdbc.update("delete from restore_staging_progress where topic = ?", KafkaTopics.EVENTS);
            jdbc.update("delete from restore_refusal where topic = ?", KafkaTopics.EVENTS);
        }
        jdbc.update("update restore_state set staged_with = ?", verifier);
        List<Refusal> refusals = refusals();
        long unresolvedBefore = refusals.stream().filter(r -> !skips.contains(r.location())).count();
        GlobalIndexes staged = stagedIndexes();
        KafkaConsumer<byte[], byte[]> consumer = topics.consumer();
        try {
            List<TopicPartition> partitions = TopicReader.partitions(consumer, KafkaTopics.EVENTS);
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> next = new HashMap<>(consumer.beginningOffsets(partitions));
            jdbc.query("select partition, next_offset from restore_staging_progress where topic = ?",
                       row -> {
                           next.put(new TopicPartition(KafkaTopics.EVENTS, row.getInt(1)), row.getLong(2));
                       }, KafkaTopics.EVENTS);
            next.forEach(consumer::seek);
            long total = partitions.stream().mapToLong(p -> Math.max(0, end.get(p) - next.get(p))).sum();
            // A reader thread polls, verifies and parses the next page while this one writes the last: the two halves
            // of a restore (the broker, the MAC and JSON; PostgreSQL) overlap on two cores.
            BlockingQueue<Page> pages = new ArrayBlockingQueue<>(2);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            AtomicLong readCount = new AtomicLong();
            boolean[] stopped = {false};
            Thread reader = new Thread(() -> {
                try {
                    long unresolved = unresolvedBefore;
                    List<EventTable.Row> rows = new ArrayList<>(page);
                    List<Refusal> refused = new ArrayList<>();
                    while (partitions.stream().anyMatch(p -> next.get(p) < end.get(p))) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                            if (record.offset() >= end.get(partition)) {
                                continue; // published after the restore began: not part of the lost store
                            }
                            Refusal refusal = check(authentication, record, rows, staged);
                            if (refusal != null) {
                                refused.add(refusal);
                                unresolved += skips.contains(refusal.location()) ? 0 : 1;
                            }
                            next.put(partition, record.offset() + 1);
                            readCount.incrementAndGet();
                        }
                        if (unresolved >= MAX_REFUSALS) {
                            stopped[0] = true;
                            pages.put(new Page(rows, refused, Map.copyOf(next)));
                            break;
                        }
                        if (rows.size() >= page || partitions.stream().allMatch(p -> next.get(p) >= end.get(p))) {
                            pages.put(new Page(rows, refused, Map.copyOf(next)));
                            rows = new ArrayList<>(page);
                            refused = new ArrayList<>();
                        }
                    }
                    pages.put(Page.END);
                } catch (InterruptedException interrupted) {
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
                    refusals.addAll(current.refusals());
                    pause();
                    if (Duration.between(reported, Instant.now()).compareTo(REPORT_EVERY) >= 0) {
                        reported = Instant.now();
                        double seconds = Duration.between(start, reported).toMillis() / 1000.0;
                        long read = readCount.get();
                        out.printf("Events: %,d of %,d records read and verified (%.0f %%), %,d staged, "
                                   + "%,.0f records/s%n", read, total, 100.0 * read / Math.max(1, total), written,
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
            double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            out.printf("Events: %,d records read and verified in %.1f s, %,d staged, %,d refused%n", readCount.get(),
                       seconds, written, refusals.size());
            return new Staged(readCount.get(), staged.size(), refusals, !stopped[0]);
        } finally {
            TopicReader.close(consumer);
        }
    }

    /**
     * A record's verdict: staged into {@code rows} when it verifies and is readable (once per global index), else a
     * refusal that names it.
     */
    private static Refusal check(RecordAuthentication authentication, ConsumerRecord<byte[], byte[]> record,
                                 List<EventTable.Row> rows, GlobalIndexes staged) {
        RecordAuthentication.Verdict verdict = authentication.verify(record.topic(), record.key(), record.value(),
                                                                     record.headers());
        if (!verdict.authentic()) {
            return new Refusal(RecordLocation.of(record), verdict.reason());
        }
        EventTable.Row row;
        try {
            row = EnvelopeRow.parse(record.value());
        } catch (EnvelopeRow.UnreadableException e) {
            return new Refusal(RecordLocation.of(record), "unreadable envelope: " + e.getMessage());
        }
        if (staged.add(row.globalIndex())) {
            rows.add(row);
        }
        return null;
    }

    /**
     * One page in one transaction, with how far each partition has been read and what it refused. Without waiting for
     * the disk: staging is unlogged anyway, and a page lost to a crash is lost with its progress row and read again.
     */
    private int write(Page current) {
        BinaryCopy copy = new BinaryCopy();
        for (EventTable.Row row : current.rows()) {
            copy.row(10).bigint(row.globalIndex()).text(row.eventId()).text(row.aggregateId()).bigint(row.sequence())
                .text(row.aggregateType()).timestamp(row.timestamp()).text(row.payloadType())
                .text(row.payloadRevision()).bytes(row.payload()).bytes(row.metaData());
        }
        Long inserted = transaction.execute(status -> {
            jdbc.execute("set local synchronous_commit = off");
            long rows = jdbc.execute((ConnectionCallback<Long>) connection -> copy.copyInto(connection, STAGING,
                                                                                            columns));
            jdbc.batchUpdate("""
                             insert into restore_refusal (topic, partition, "offset", reason) values (?, ?, ?, ?)
                             on conflict do nothing""",
                             current.refusals().stream().map(r -> new Object[] {
                                     r.location().topic(), r.location().partition(), r.location().offset(),
                                     r.reason()}).toList());
            jdbc.batchUpdate("""
                             insert into restore_staging_progress (topic, partition, next_offset) values (?, ?, ?)
                             on conflict (topic, partition) do update set next_offset = excluded.next_offset""",
                             current.offsets().entrySet().stream()
                                    .map(e -> new Object[] {e.getKey().topic(), e.getKey().partition(),
                                                            e.getValue()}).toList());
            return rows;
        });
        return inserted == null ? 0 : inserted.intValue();
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

    /** The refusals of earlier runs of this restore, which staging remembers with its progress. */
    private List<Refusal> refusals() {
        return new ArrayList<>(jdbc.query(
                "select topic, partition, \"offset\", reason from restore_refusal where topic = ?",
                (row, i) -> new Refusal(new RecordLocation(row.getString(1), row.getInt(2), row.getLong(3)),
                                        row.getString(4)), KafkaTopics.EVENTS));
    }

    private GlobalIndexes stagedIndexes() {
        GlobalIndexes indexes = new GlobalIndexes();
        jdbc.query("select " + schema.globalIndexColumn() + " from " + STAGING,
                   row -> {
                       indexes.add(row.getLong(1));
                   });
        return indexes;
    }

    /** The key ids of the accounts whose {@code AccountPurged} is among the staged events. */
    Set<String> purgedKeyIds() {
        Set<String> keyIds = new HashSet<>();
        jdbc.query("select distinct " + schema.aggregateIdentifierColumn() + " from " + STAGING + " where "
                   + schema.payloadTypeColumn() + " = ?", row -> {
            keyIds.add(PersonalDataSealer.keyIdOf(UUID.fromString(row.getString(1))));
        }, AccountPurgedEvent.class.getName());
        return keyIds;
    }

    /** Moves the staged events into the event store, in the caller's transaction; returns how many were written. */
    long merge(EventTable events) {
        return events.insertStaged(STAGING);
    }

    /** Empties staging once its rows are merged (or the restore finished): its space goes back at once. */
    void clear() {
        jdbc.execute("truncate " + STAGING + ", " + KeyRestore.STAGING
                     + ", restore_staging_progress, restore_refusal");
    }

    /**
     * Global indexes staged so far: a bit per index while they fit (the store numbers its events densely from 1,
     * so a million events take 125 kB), a set beyond.
     */
    private static final class GlobalIndexes {
        private final BitSet dense = new BitSet();
        private final Set<Long> sparse = new HashSet<>();
        private long size;

        /** False when the index was there already. */
        boolean add(long index) {
            boolean added;
            if (index <= Integer.MAX_VALUE) {
                added = !dense.get((int) index);
                dense.set((int) index);
            } else {
                added = sparse.add(index);
            }
            size += added ? 1 : 0;
            return added;
        }

        long size() {
            return size;
        }
    }
}
