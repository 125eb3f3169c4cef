package io.accountlifecycle.service.recovery;

import io.accountlifecycle.purge.PurgeSettings;
import io.accountlifecycle.purge.saga.PurgeSagaRestorer;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.eventstore.EventTable;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.personal.RecordAuthentication;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rebuilds an empty event store and key store from {@code account.events} and {@code account.keys}, then the purge
 * sagas and their deadlines at their original instants, and sets every processor that acts on the world at the head
 * of the restored store so that none acts again on history. Projections are rebuilt afterwards from the first event
 * ({@link RecoveryCommand}).
 * <p>
 * The restore trusts only what the service wrote: every record's authentication tag is checked as it is written into
 * staging ({@link KeyRestore}, {@link EventRestore}), a key tombstone counts only with its account's
 * {@code AccountPurged}, and the live tables change only once every record verified, in one transaction. A record that
 * does not verify (or cannot be read) stops the restore before that, named, and the operator goes on past exactly the
 * records named in {@code --skip}, which the restore reports and keeps in {@code restore_skip}. Then, in this order,
 * {@link SagaRestore} and {@link ProcessorReset}; each part resumes where a killed restore stopped
 * ({@code restore_state}, {@code restore_staging_progress}).
 */
public class EventStoreRestore {

    /** Exit status of a restore that refused records: nothing in the live tables changed. */
    public static final int RECORDS_REFUSED = 4;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final EventTable events;
    private final RecordAuthentication authentication;
    private final KeyRestore keys;
    private final EventRestore eventRestore;
    private final SagaRestore sagaRestore;
    private final ProcessorReset processors;

    public EventStoreRestore(JdbcTemplate jdbc, TransactionTemplate transaction, Map<String, Object> consumerProperties,
                             TokenStore tokens, EventStorageEngine storage, EventTable events,
                             PurgeSagaRestorer sagas, CommandSender commands, RecordAuthentication authentication,
                             Environment environment) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.events = events;
        this.authentication = authentication;
        // Records per transaction, and a pause after each page that spares a database that serves too.
        int page = environment.getProperty("account.restore.page-size", Integer.class, 5_000);
        Duration pause = environment.getProperty("account.restore.pause-between-pages", Duration.class,
                                                 Duration.ZERO);
        Duration hold = Binder.get(environment).bind("account.purge", PurgeSettings.class)
                              .orElseGet(() -> new PurgeSettings(null, null)).hold();
        TopicReader topics = new TopicReader(consumerProperties, page);
        this.keys = new KeyRestore(new KeyTopic(topics), jdbc, transaction);
        this.eventRestore = new EventRestore(topics, jdbc, transaction, page, pause);
        this.sagaRestore = new SagaRestore(events, sagas, commands, keys, hold);
        this.processors = new ProcessorReset(tokens, storage, jdbc, transaction, environment);
    }

    /**
     * Exit status: 0 restored (or restored before, projections still to rebuild), 3 refused (not empty, or in use),
     * {@value #RECORDS_REFUSED} records refused (named, with the {@code --skip} that goes past them).
     */
    public int run(PrintStream out, Set<RecordLocation> skips) {
        List<Map<String, Object>> state = jdbc.queryForList(
                "select finished_at, processors_reset_at, projections_rebuilt_at, merged_at from restore_state");
        if (!state.isEmpty() && state.get(0).get("finished_at") != null) {
            if (state.get(0).get("projections_rebuilt_at") == null) {
                out.println("The event store was restored before; the projections are rebuilt next");
                return 0;
            }
            return refuseNonEmpty(out);
        }
        if (state.isEmpty() && !events.isEmpty()) {
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

        if (state.isEmpty() || state.get(0).get("merged_at") == null) {
            Integer refused = stageAndMerge(out, skips);
            if (refused != null) {
                return refused;
            }
        }
        eventRestore.clear();
        long restoredEvents = events.count();
        SagaRestore.Deletions deletions = sagaRestore.scan();
        sagaRestore.forgetPurgedKeys(deletions);
        events.advanceGlobalIndexPastHead();
        int restoredSagas = sagaRestore.restoreSagas(deletions, out);
        if (state.isEmpty() || state.get(0).get("processors_reset_at") == null) {
            processors.run();
        }
        sagaRestore.quarantine(deletions);
        jdbc.update("update restore_state set finished_at = now()");
        Duration took = Duration.between(started, Instant.now());
        Long restoredKeys = jdbc.queryForObject("select count(*) from account_data_key", Long.class);
        out.printf("Restored %,d events, %,d data keys and %,d purge sagas in %.1f s (%,.0f events/s)%n",
                   restoredEvents, restoredKeys, restoredSagas, took.toMillis() / 1000.0,
                   restoredEvents / Math.max(0.001, took.toMillis() / 1000.0));
        return 0;
    }

    /**
     * Stages and verifies both topics, then merges them into the live tables in one transaction if nothing unskipped
     * was refused. Returns null when merged, else the exit status.
     */
    private Integer stageAndMerge(PrintStream out, Set<RecordLocation> skips) {
        KeyRestore.Staged stagedKeys = keys.stage(authentication, out);
        List<Refusal> refusals = new ArrayList<>(stagedKeys.refusals());
        Instant eventsStarted = Instant.now();
        EventRestore.Staged staged = eventRestore.stage(stagedKeys.authentication(), skips, out);
        refusals.addAll(staged.refusals());
        if (staged.complete()) {
            refusals.addAll(keys.tombstonesWithoutPurge(eventRestore.purgedKeyIds()));
        }
        Set<RecordLocation> refused = new TreeSet<>();
        refusals.forEach(r -> refused.add(r.location()));
        for (RecordLocation skip : skips) {
            if (staged.complete() && !refused.contains(skip)) {
                out.printf("--skip %s was not used: no record there was refused (it verifies, or there is no such "
                           + "record)%n", skip);
            }
        }
        List<Refusal> unresolved = refusals.stream().filter(r -> !skips.contains(r.location())).sorted().toList();
        if (!unresolved.isEmpty() || !staged.complete()) {
            report(out, unresolved, staged.complete());
            return RECORDS_REFUSED;
        }
        List<Refusal> skipped = refusals.stream().filter(r -> skips.contains(r.location())).sorted().toList();
        Instant mergeStarted = Instant.now();
        long[] merged = new long[1];
        KeyRestore.Merged[] mergedKeys = new KeyRestore.Merged[1];
        transaction.executeWithoutResult(status -> {
            merged[0] = eventRestore.merge(events);
            mergedKeys[0] = keys.merge(Set.copyOf(skipped.stream().map(Refusal::location).toList()));
            jdbc.batchUpdate("""
                             insert into restore_skip (topic, partition, "offset", reason) values (?, ?, ?, ?)
                             on conflict do nothing""",
                             skipped.stream().map(r -> new Object[] {r.location().topic(), r.location().partition(),
                                                                     r.location().offset(), r.reason()}).toList());
            jdbc.update("update restore_state set merged_at = now()");
        });
        Instant mergeEnded = Instant.now();
        for (Refusal skip : skipped) {
            out.printf("Skipped (--skip): %s%n", skip);
        }
        out.printf("Data keys: %,d restored, %,d purged keys not restored%n", mergedKeys[0].restored(),
                   mergedKeys[0].purged());
        double seconds = Duration.between(eventsStarted, mergeEnded).toMillis() / 1000.0;
        out.printf("Events: %,d merged into the event store in %.1f s; event phase (read, verify, stage, merge) "
                   + "%.1f s, %,.0f events/s%n", merged[0],
                   Duration.between(mergeStarted, mergeEnded).toMillis() / 1000.0, seconds,
                   merged[0] / Math.max(0.001, seconds));
        return null;
    }

    private static void report(PrintStream out, List<Refusal> unresolved, boolean complete) {
        out.printf("Refused %,d record(s); nothing in the live tables changed:%n", unresolved.size());
        unresolved.forEach(refusal -> out.println("  " + refusal));
        if (!complete) {
            out.printf("Stopped reading %s after %,d refused records: so many suggest a master key other than the "
                       + "one that tagged them (account.crypto.master-key), not a few foreign records.%n",
                       KafkaTopics.EVENTS, EventRestore.MAX_REFUSALS);
        }
        out.println("Find out how each got there first. To restore everything else, going past exactly these "
                    + "records (recorded in restore_skip), run the restore again with:");
        out.println("  " + RecordLocation.skipArgument(unresolved.stream().map(Refusal::location).toList()));
    }

    private static int refuseNonEmpty(PrintStream out) {
        out.println("Refused: the event store is not empty. A restore only fills an empty database; to restore over "
                    + "this one, the owner role drops and recreates it first (README, \"The database is gone\").");
        return 3;
    }
}
