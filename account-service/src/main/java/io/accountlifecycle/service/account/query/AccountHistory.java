package io.accountlifecycle.service.account.query;

import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.service.account.Account;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.eventstore.EventTable;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads an account straight from its event stream: the current state (from the aggregate's latest snapshot on), the
 * state as of any instant, and the raw history a page at a time. No read model in between, so what it answers is
 * exactly what the events say, folded by the aggregate's own {@link AccountState#after}.
 */
@Component
public class AccountHistory {

    private final EventStore eventStore;
    private final EventTable events;
    private final Snapshotter snapshotter;
    private final int snapshotThreshold;

    /** Without snapshots taken on reads (tests of the pages). */
    public AccountHistory(EventStore eventStore, EventTable events) {
        this(eventStore, events, (Snapshotter) null, Integer.MAX_VALUE);
    }

    /**
     * @param snapshotter       takes the snapshot a long read asked for (null: none)
     * @param snapshotThreshold how many events a read of the current state may fold before it asks for a snapshot
     *                          ({@code account.snapshots.threshold}, as commands)
     */
    public AccountHistory(EventStore eventStore, EventTable events, Snapshotter snapshotter, int snapshotThreshold) {
        this.eventStore = eventStore;
        this.events = events;
        this.snapshotter = snapshotter;
        this.snapshotThreshold = snapshotThreshold;
    }

    @Autowired
    AccountHistory(EventStore eventStore, EventTable events, ObjectProvider<Snapshotter> snapshotter,
                   @Value("${account.snapshots.threshold:100}") int snapshotThreshold) {
        this(eventStore, events, snapshotter.getIfUnique(), snapshotThreshold);
    }

    /**
     * Page {@code page} of {@code size} of the account's history, oldest first, as {@link PageView#of} would cut it
     * from the whole history; empty if there is no such account. Only that page is read: an account's events are
     * numbered 0, 1, 2… without a gap (each is appended as the last one plus one under the store's unique key, the
     * table is append-only, and Axon's own reader relies on it), so the history holds the last number plus one events
     * and the page is a range of numbers. The last number is read first and bounds the page, so an event appended
     * in between is in neither.
     */
    public Optional<PageView<DomainEventMessage<?>>> events(UUID accountId, int page, int size) {
        String id = accountId.toString();
        Optional<Long> last = eventStore.lastSequenceNumberFor(id);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        long total = last.get() + 1;
        long from = Math.min((long) page * size, total);
        long to = Math.min(from + size, total);
        List<DomainEventMessage<?>> items = new ArrayList<>();
        if (from < to) {
            events.readAggregateRange(id, from, to - 1, items::add);
        }
        return Optional.of(new PageView<>(items, page, size, total, to < total));
    }

    /** Every event of the account, oldest first, never from a snapshot; empty if there is no such account. */
    public Optional<List<DomainEventMessage<?>>> allEvents(UUID accountId) {
        List<DomainEventMessage<?>> all = new ArrayList<>();
        eventStore.readEvents(accountId.toString(), 0).forEachRemaining(all::add);
        return all.isEmpty() ? Optional.empty() : Optional.of(all);
    }

    /**
     * The state after every event up to and including {@code asOf} (null: now, {@link #currentState}); empty if the
     * account did not exist then. An account purged since carries no sealed value in any of its states, also one from
     * before its purge: its key is gone, and what it sealed stays out of memory and every answer.
     * <p>
     * A past instant folds the whole stream, never a snapshot: a snapshot marks a place in the sequence, not in time,
     * and the events before it need not all be older than the instant asked for (their timestamps come from the
     * clocks of the instances that stored them).
     */
    public Optional<AccountState> stateAsOf(UUID accountId, Instant asOf) {
        if (asOf == null) {
            return currentState(accountId);
        }
        AccountState state = AccountState.NONE;
        boolean purgedSince = false;
        var stream = eventStore.readEvents(accountId.toString(), 0);
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            if (event.getTimestamp().isAfter(asOf)) {
                if (event.getPayload() instanceof AccountPurgedEvent) {
                    purgedSince = true;
                    break;
                }
                continue;
            }
            state = state.after(event);
        }
        if (purgedSince) {
            state = state.withoutSealedValues();
        }
        return state.exists() ? Optional.of(state) : Optional.empty();
    }

    /**
     * The state after every event, starting where the aggregate starts: from the account's latest snapshot, which
     * holds the state {@link AccountState#after} folded up to its event, and the events stored after it. A long
     * history then costs a read what it costs a command.
     */
    public Optional<AccountState> currentState(UUID accountId) {
        AccountState state = AccountState.NONE;
        int folded = 0;
        var stream = eventStore.readEvents(accountId.toString());
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            if (event.getPayload() instanceof Account snapshot) {
                state = snapshot.state();
                folded = 0;
            } else {
                state = state.after(event);
                folded++;
            }
        }
        if (snapshotThreshold > 0 && folded >= snapshotThreshold && snapshotter != null) {
            // A history stored without snapshots (restored from account.events, or from before them) is snapshotted
            // by the first read that folds it, as by the first command: in the background, once per account at a time.
            snapshotter.scheduleSnapshot(Account.class, accountId.toString());
        }
        return state.exists() ? Optional.of(state) : Optional.empty();
    }
}
