package io.accountlifecycle.service.account.query;

import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.eventstore.EventTable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where accounts stand, folded by the aggregate's own fold from their events (the source of truth, not a projection),
 * in one query for a whole chunk: so a batch sends only commands that will succeed, and a failing command never
 * spoils the batch's transaction.
 */
@Component
public class AccountStates {

    private static final int QUERY_SIZE = 1_000;

    private final EventTable events;
    private final JdbcTemplate jdbc;

    AccountStates(EventTable events, JdbcTemplate jdbc) {
        this.events = events;
        this.jdbc = jdbc;
    }

    /**
     * Every account asked for, {@link AccountState#NONE} for one that does not exist: one query per thousand accounts
     * (a bulk-deletion preview may ask for twenty thousand).
     */
    public Map<UUID, AccountState> of(Collection<UUID> accountIds) {
        Map<UUID, AccountState> states = new HashMap<>();
        accountIds.forEach(id -> states.put(id, AccountState.NONE));
        List<String> ids = accountIds.stream().map(UUID::toString).toList();
        for (int from = 0; from < ids.size(); from += QUERY_SIZE) {
            events.readAggregates(ids.subList(from, Math.min(from + QUERY_SIZE, ids.size())),
                                  AccountState.PROFILE_ONLY_EVENTS,
                                  event -> states.computeIfPresent(UUID.fromString(event.getAggregateIdentifier()),
                                                                   (id, state) -> state.after(event)));
        }
        return states;
    }

    /**
     * When each account that recorded activity was last seen in use (absent: never recorded), from the last activity
     * event of each: what a reader that left activity out of {@link #of} still needs to re-check inactivity.
     */
    public Map<UUID, Instant> lastActivity(Collection<UUID> accountIds) {
        Map<UUID, Instant> seen = new HashMap<>();
        events.readLastOfType(accountIds.stream().map(UUID::toString).toList(), AccountActivityRecordedEvent.class,
                              event -> seen.put(UUID.fromString(event.getAggregateIdentifier()),
                                                ((AccountActivityRecordedEvent) event.getPayload()).lastActivityAt()));
        return seen;
    }

    /**
     * Serialises the batch's chunks and its undo, until the transaction ends: an undo either sees a chunk's requests
     * (and restores them) or makes the chunk refuse itself.
     */
    public void lockBatch(UUID batchId) {
        jdbc.query("select pg_advisory_xact_lock(?)", row -> { },
                   batchId.getMostSignificantBits() ^ batchId.getLeastSignificantBits());
    }
}
