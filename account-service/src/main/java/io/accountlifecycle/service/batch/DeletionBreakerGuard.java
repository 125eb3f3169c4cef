package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.DeletionBreakerResetEvent;
import io.accountlifecycle.api.DeletionBreakerTrippedEvent;
import io.accountlifecycle.api.TripDeletionBreakerCommand;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.eventstore.EventTable;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Counts quarantines of the last minute in the event store — whatever intake caused them: HTTP, Kafka, batches —
 * and opens the breaker above {@code account.deletion.breaker-quarantines-per-minute}. Checked before every deletion
 * request and every few seconds; quarantines before the last reset do not count.
 */
@Component
public class DeletionBreakerGuard {

    private static final Logger log = LoggerFactory.getLogger(DeletionBreakerGuard.class);
    private static final String BREAKER = DeletionBreakerTrippedEvent.BREAKER_ID;

    private final EventStore events;
    private final CommandSender commands;
    private final EventTable table;
    private final DeletionBatchSettings settings;
    private final TransactionTemplate ownTransaction;
    private volatile ScheduledExecutorService watch;

    DeletionBreakerGuard(EventStore events, CommandSender commands, EventTable table,
                         DeletionBatchSettings settings, PlatformTransactionManager transactions) {
        this.events = events;
        this.commands = commands;
        this.table = table;
        this.settings = settings;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** The breaker as the events say. */
    public record State(boolean open, Instant trippedAt, long quarantinesAtTrip, Instant resetAt,
                        long quarantinesLastMinute, int limit) {
    }

    public State state() {
        boolean open = false;
        Instant trippedAt = null;
        long atTrip = 0;
        Instant resetAt = null;
        for (DomainEventMessage<?> event : events.readEvents(BREAKER).asStream().toList()) {
            if (event.getPayload() instanceof DeletionBreakerTrippedEvent tripped) {
                open = true;
                trippedAt = event.getTimestamp();
                atTrip = tripped.quarantinesLastMinute();
            } else if (event.getPayload() instanceof DeletionBreakerResetEvent) {
                open = false;
                resetAt = event.getTimestamp();
            }
        }
        return new State(open, trippedAt, atTrip, resetAt, quarantinesSince(resetAt), settings.breakerQuarantinesPerMinute());
    }

    /** Refuses while open; opens (and refuses) when the last minute's quarantines are above the limit. */
    public void check() {
        State state = state();
        if (state.open()) {
            throw new DeletionBreakerOpenException(state.trippedAt(), state.quarantinesAtTrip(), state.limit());
        }
        if (state.quarantinesLastMinute() > state.limit()) {
            if (CurrentUnitOfWork.isStarted() || watch == null) {
                // Inside a unit of work (the batch executor) the trip would commit with it, and it is about to roll
                // back: the watch thread trips the breaker at once instead.
                ScheduledExecutorService watcher = watch;
                if (watcher != null) {
                    watcher.execute(() -> trip(state.quarantinesLastMinute(), state.limit()));
                }
            } else {
                trip(state.quarantinesLastMinute(), state.limit());
            }
            throw new DeletionBreakerOpenException(Instant.now(), state.quarantinesLastMinute(), state.limit());
        }
    }

    private long quarantinesSince(Instant resetAt) {
        Instant from = Instant.now().minusSeconds(60);
        if (resetAt != null && resetAt.isAfter(from)) {
            from = resetAt;
        }
        return table.countSince(AccountQuarantinedEvent.class, from);
    }

    /** In a transaction of its own: the request that trips the breaker is refused, the alert must stay. */
    private void trip(long quarantines, int limit) {
        log.warn("Deletion breaker tripped: {} quarantines within a minute, limit {}", quarantines, limit);
        ownTransaction.executeWithoutResult(
                status -> commands.sendAndWait(new TripDeletionBreakerCommand(BREAKER, quarantines, limit),
                                               Origin.system("deletion-breaker")));
    }

    @EventListener(ApplicationReadyEvent.class)
    void watch() {
        watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "deletion-breaker-watch");
            thread.setDaemon(true);
            return thread;
        });
        watch.scheduleWithFixedDelay(() -> {
            try {
                State state = state();
                if (!state.open() && state.quarantinesLastMinute() > state.limit()) {
                    trip(state.quarantinesLastMinute(), state.limit());
                }
            } catch (RuntimeException e) {
                log.debug("Deletion breaker check failed; trying again", e);
            }
        }, 5, 5, TimeUnit.SECONDS);
    }

    @EventListener(ContextClosedEvent.class)
    void stopWatching() {
        if (watch != null) {
            watch.shutdownNow();
        }
    }
}
