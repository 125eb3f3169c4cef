package io.accountlifecycle.service.recovery;

import io.accountlifecycle.purge.PurgeSettings;
import io.accountlifecycle.purge.saga.PurgeSagaRestorer;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.eventstore.EventTable;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds an empty event store and key store from {@code account.events} and {@code account.keys}, then the purge
 * sagas and their deadlines at their original instants, and sets every processor that acts on the world at the head
 * of the restored store so that none acts again on history. Projections are rebuilt afterwards from the first event
 * ({@link RecoveryCommand}). In parts, in this order: {@link KeyRestore}, {@link EventRestore}, {@link SagaRestore},
 * {@link ProcessorReset}; each resumes where a killed restore stopped ({@code restore_state}, {@code restore_progress}).
 */
public class EventStoreRestore {

    private final JdbcTemplate jdbc;
    private final EventTable events;
    private final KeyRestore keys;
    private final EventRestore eventRestore;
    private final SagaRestore sagaRestore;
    private final ProcessorReset processors;

    public EventStoreRestore(JdbcTemplate jdbc, TransactionTemplate transaction, Map<String, Object> consumerProperties,
                             TokenStore tokens, EventStorageEngine storage, EventTable events,
                             PurgeSagaRestorer sagas, CommandSender commands, Environment environment) {
        this.jdbc = jdbc;
        this.events = events;
        // Records per transaction, and a pause after each page that spares a database that serves too.
        int page = environment.getProperty("account.restore.page-size", Integer.class, 5_000);
        Duration pause = environment.getProperty("account.restore.pause-between-pages", Duration.class,
                                                 Duration.ZERO);
        Duration hold = Binder.get(environment).bind("account.purge", PurgeSettings.class)
                              .orElseGet(() -> new PurgeSettings(null, null)).hold();
        TopicReader topics = new TopicReader(consumerProperties, page);
        this.keys = new KeyRestore(topics, jdbc, transaction);
        this.eventRestore = new EventRestore(topics, events, jdbc, transaction, page, pause);
        this.sagaRestore = new SagaRestore(events, sagas, commands, keys, hold);
        this.processors = new ProcessorReset(tokens, storage, jdbc, transaction, environment);
    }

    /** Exit status: 0 restored (or restored before, projections still to rebuild), 3 refused. */
    public int run(PrintStream out) {
        List<Map<String, Object>> state = jdbc.queryForList(
                "select finished_at, processors_reset_at, projections_rebuilt_at from restore_state");
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

        int restoredKeys = keys.run(out);
        long restoredEvents = eventRestore.run(out);
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
        out.printf("Restored %,d events, %,d data keys and %,d purge sagas in %.1f s (%,.0f events/s)%n",
                   restoredEvents, restoredKeys, restoredSagas, took.toMillis() / 1000.0,
                   restoredEvents / Math.max(0.001, took.toMillis() / 1000.0));
        return 0;
    }

    private static int refuseNonEmpty(PrintStream out) {
        out.println("Refused: the event store is not empty. A restore only fills an empty database; to restore over "
                    + "this one, the owner role drops and recreates it first (README, \"The database is gone\").");
        return 3;
    }
}
