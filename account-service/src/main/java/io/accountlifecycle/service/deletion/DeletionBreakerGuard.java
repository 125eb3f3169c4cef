package io.accountlifecycle.service.deletion;

import io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.DeletionBreakerResetEvent;
import io.accountlifecycle.api.DeletionBreakerTrippedEvent;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.api.TripDeletionBreakerCommand;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.eventstore.EventTable;
import io.swagger.v3.oas.annotations.media.Schema;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Counts the deletion requests of the last minute in the event store — accepted or waiting for approval, whatever
 * door they came through: HTTP, Kafka, batches; refused ones are never stored — and opens the breaker above
 * {@code account.deletion.breaker-requests-per-minute}. Checked by the deletion policy before every request, by the
 * account before it quarantines, and every few seconds; requests before the last reset do not count.
 */
@Component
public class DeletionBreakerGuard {

    private static final Logger log = LoggerFactory.getLogger(DeletionBreakerGuard.class);
    private static final String BREAKER = DeletionBreakerTrippedEvent.BREAKER_ID;
    /** What counts as a deletion request: accepted, or waiting for a second person. */
    static final Set<Class<?>> REQUESTS = Set.of(AccountDeletionRequestedEvent.class,
                                                 AccountDeletionApprovalRequestedEvent.class);

    private final EventStore events;
    private final CommandSender commands;
    private final EventTable table;
    private final DeletionSettings settings;
    private final TransactionTemplate ownTransaction;
    private volatile ScheduledExecutorService watch;

    DeletionBreakerGuard(EventStore events, CommandSender commands, EventTable table,
                         DeletionSettings settings, PlatformTransactionManager transactions) {
        this.events = events;
        this.commands = commands;
        this.table = table;
        this.settings = settings;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * The breaker as the events say. {@code quarantinesAtTrip} and {@code quarantinesLastMinute} are kept for the
     * alert rules and clients of the first version; {@code requestsAtTrip} and {@code requestsLastMinute} are what
     * trips it.
     */
    @Schema(name = "DeletionBreakerState")
    public record State(boolean open, Instant trippedAt, long quarantinesAtTrip, Instant resetAt,
                        long quarantinesLastMinute, int limit, long requestsAtTrip, long requestsLastMinute) {
    }

    public State state() {
        Stream stream = stream();
        Instant from = lastMinute(stream.resetAt());
        return new State(stream.open(), stream.trippedAt(), stream.quarantinesAtTrip(), stream.resetAt(),
                         table.countSince(AccountQuarantinedEvent.class, from), settings.breakerLimit(),
                         stream.requestsAtTrip(), table.countSince(REQUESTS, from));
    }

    /** What the breaker's own events say, without counting anything. */
    private record Stream(boolean open, Instant trippedAt, long quarantinesAtTrip, long requestsAtTrip,
                          Instant resetAt) {
    }

    private Stream stream() {
        boolean open = false;
        Instant trippedAt = null;
        long quarantinesAtTrip = 0;
        long requestsAtTrip = 0;
        Instant resetAt = null;
        for (DomainEventMessage<?> event : events.readEvents(BREAKER).asStream().toList()) {
            if (event.getPayload() instanceof DeletionBreakerTrippedEvent tripped) {
                open = true;
                trippedAt = event.getTimestamp();
                quarantinesAtTrip = tripped.quarantinesLastMinute();
                requestsAtTrip = tripped.requestsLastMinute();
            } else if (event.getPayload() instanceof DeletionBreakerResetEvent) {
                open = false;
                resetAt = event.getTimestamp();
            }
        }
        return new Stream(open, trippedAt, quarantinesAtTrip, requestsAtTrip, resetAt);
    }

    /** Whether the breaker is open: its own events only (asked before every quarantine). */
    public boolean isOpen() {
        return stream().open();
    }

    /**
     * Refuses while open; opens (and refuses) when one more request would take the last minute's requests above the
     * limit.
     */
    public void check() {
        int limit = settings.breakerLimit();
        long requests = requestsThisMinute(limit);
        if (requests + 1 > limit) {
            State state = state();
            // The request that would take the minute past the limit trips the breaker, and is refused.
            if (CurrentUnitOfWork.isStarted() || watch == null) {
                // Inside a unit of work the trip would commit with it, and it is about to roll back: the watch
                // thread trips the breaker at once instead.
                ScheduledExecutorService watcher = watch;
                if (watcher != null) {
                    watcher.execute(() -> trip(state));
                }
            } else {
                trip(state);
            }
            throw new DeletionBreakerOpenException(Instant.now(), requests + 1, limit);
        }
    }

    /**
     * For a batch's chunk: refuses while open, and refuses without tripping while the minute has no room for the
     * {@code coming} requests — the batch waits (its processor retries) until it has, rather than tripping the breaker
     * on its own pace and having its accounts not yet quarantined withdrawn.
     */
    public void checkRoom(int coming) {
        int limit = settings.breakerLimit();
        long requests = requestsThisMinute(limit);
        if (requests > 0 && requests + coming > limit) {
            throw new IllegalStateException("No room in this minute for " + coming + " more deletion requests ("
                                            + requests + " of " + limit + "); the batch goes on when there is");
        }
    }

    /** The requests since the last minute began (or the last reset); refuses while the breaker is open. */
    private long requestsThisMinute(int limit) {
        Stream stream = stream();
        if (stream.open()) {
            throw new DeletionBreakerOpenException(stream.trippedAt(), stream.requestsAtTrip(), limit);
        }
        return table.countSince(REQUESTS, lastMinute(stream.resetAt()));
    }

    private static Instant lastMinute(Instant resetAt) {
        Instant from = Instant.now().minusSeconds(60);
        return resetAt != null && resetAt.isAfter(from) ? resetAt : from;
    }

    /**
     * In a transaction of its own: the request that trips the breaker is refused, the alert must stay. The trip names
     * the actor with the most requests in that minute, who may not reset it alone if they made more than half.
     */
    private void trip(State state) {
        Map<String, Long> byActor = new HashMap<>();
        table.readOfTypesBetween(REQUESTS, lastMinute(state.resetAt()), Instant.now(), event -> byActor.merge(
                String.valueOf(event.getMetaData().get(MetaDataKeys.ACTOR)), 1L, Long::sum));
        Map.Entry<String, Long> top = byActor.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
        log.warn("Deletion breaker tripped: {} deletion requests within a minute ({} quarantines), limit {}",
                 state.requestsLastMinute(), state.quarantinesLastMinute(), state.limit());
        ownTransaction.executeWithoutResult(status -> commands.sendAndWait(
                new TripDeletionBreakerCommand(BREAKER, state.quarantinesLastMinute(), state.limit(),
                                               state.requestsLastMinute(), top == null ? null : top.getKey(),
                                               top == null ? 0 : top.getValue()),
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
                if (!state.open() && state.requestsLastMinute() > state.limit()) {
                    trip(state);
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
