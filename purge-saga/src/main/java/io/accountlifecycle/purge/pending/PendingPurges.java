package io.accountlifecycle.purge.pending;

import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.api.PendingPurgeView;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Quarantined accounts and when they will be purged, soonest first: the list admins check before a hold ends.
 * Idempotent upserts and deletes, so replays and redeliveries change nothing. (The projections module will serve
 * this list from its own read model behind the same endpoint.)
 */
@ProcessingGroup(PendingPurges.PROCESSING_GROUP)
public class PendingPurges {

    public static final String PROCESSING_GROUP = "pending-purges";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public PendingPurges(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @EventHandler
    void on(AccountQuarantinedEvent event, @org.axonframework.eventhandling.Timestamp Instant at) {
        jdbc.update("""
                    insert into pending_purge (account_id, quarantined_at, purge_due_at) values (?, ?, ?)
                    on conflict (account_id) do update set quarantined_at = excluded.quarantined_at,
                                                           purge_due_at = excluded.purge_due_at""",
                    event.accountId(), Timestamp.from(at), Timestamp.from(event.purgeDueAt()));
    }

    @EventHandler
    void on(AccountDeletionCancelledEvent event) {
        jdbc.update("delete from pending_purge where account_id = ?", event.accountId());
    }

    @EventHandler
    void on(AccountPurgedEvent event) {
        jdbc.update("delete from pending_purge where account_id = ?", event.accountId());
    }

    /** One page of pending purges, soonest first. */
    public PageView<PendingPurgeView> page(int page, int size) {
        Instant now = clock.instant();
        long total = jdbc.queryForObject("select count(*) from pending_purge", Long.class);
        List<PendingPurgeView> items = jdbc.query(
                "select account_id, quarantined_at, purge_due_at from pending_purge "
                + "order by purge_due_at, account_id limit ? offset ?",
                (rs, i) -> {
                    Instant due = rs.getTimestamp(3).toInstant();
                    Duration left = Duration.between(now, due);
                    return new PendingPurgeView(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(), due,
                                                left.isNegative() ? Duration.ZERO : left);
                },
                size, (long) page * size);
        return new PageView<>(items, page, size, total, (long) (page + 1) * size < total);
    }
}
