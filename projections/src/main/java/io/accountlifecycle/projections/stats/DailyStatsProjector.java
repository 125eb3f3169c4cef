package io.accountlifecycle.projections.stats;

import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPlanChangedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.projections.support.JdbcProjector;
import io.accountlifecycle.projections.support.StatementGuard;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Lifecycle counts per UTC day and plan. A counter is only bumped when the account's own row moves past the
 * event's sequence number, in the same statement: a replayed or redelivered event is never counted twice.
 */
@ProcessingGroup(DailyStatsProjector.NAME)
public class DailyStatsProjector extends JdbcProjector {

    public static final String NAME = "daily-stats";

    public DailyStatsProjector(JdbcTemplate jdbc, StatementGuard guard) {
        super(jdbc, guard);
    }

    @EventHandler
    void on(AccountOpenedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        write("""
                    with counted as (
                        insert into projection.daily_stats_account (account_id, plan, version) values (?, ?, ?)
                        on conflict (account_id) do nothing
                        returning plan)
                    insert into projection.daily_lifecycle_stats (day, plan, opened)
                    select ?, plan, 1 from counted
                    on conflict (day, plan) do update set opened = daily_lifecycle_stats.opened + 1""",
                    event.accountId(), event.plan().name(), sequence, day(at));
    }

    @EventHandler
    void on(AccountPlanChangedEvent event, @SequenceNumber long sequence) {
        write("update projection.daily_stats_account set plan = ?, version = ? "
                    + "where account_id = ? and version < ?", event.plan().name(), sequence, event.accountId(),
                    sequence);
    }

    @EventHandler
    void on(AccountDeletionRequestedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        count("deletion_requested", event.accountId(), sequence, at);
    }

    @EventHandler
    void on(AccountQuarantinedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        count("quarantined", event.accountId(), sequence, at);
    }

    @EventHandler
    void on(AccountDeletionCancelledEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        count("cancelled", event.accountId(), sequence, at);
    }

    @EventHandler
    void on(AccountPurgedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        count("purged", event.accountId(), sequence, at);
    }

    @ResetHandler
    void reset() {
        truncate("projection.daily_lifecycle_stats", "projection.daily_stats_account");
    }

    /** {@code column} is one of this class's constants, never input. */
    private void count(String column, UUID accountId, long sequence, Instant at) {
        write("""
                    with counted as (
                        update projection.daily_stats_account set version = ?
                        where account_id = ? and version < ?
                        returning plan)
                    insert into projection.daily_lifecycle_stats (day, plan, %1$s)
                    select ?, plan, 1 from counted
                    on conflict (day, plan) do update set %1$s = daily_lifecycle_stats.%1$s + 1""".formatted(column),
                    sequence, accountId, sequence, day(at));
    }

    private static LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }
}
