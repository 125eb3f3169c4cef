package io.accountlifecycle.service.security;

import io.accountlifecycle.api.AccessDeniedEvent;
import io.accountlifecycle.api.MetaDataKeys;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Refusals counted in {@code access_refusal}, one row per subject, action and minute, and each row turned into one
 * {@link AccessDeniedEvent} once its minute has closed. A refusal costs one upsert of a small row, never an event
 * append, and the table is shared: the count and the limit hold across instances and restarts.
 *
 * <p>Minutes come from the database's clock, read when a statement runs ({@code clock_timestamp()}), so instances
 * whose clocks differ still agree. A flush locks the table against refusals being counted, takes every row of a
 * closed minute, appends their events and deletes them in one transaction: a refusal counted after the flush reads
 * the clock after the lock is gone, so it lands in a later minute, and no minute is ever flushed twice. Any instance
 * may flush; the lock makes the others wait and then find nothing.
 */
@Component
@ConditionalOnWebApplication
class AccessRefusals implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AccessRefusals.class);

    /**
     * Adds one refusal to its row (the concrete method, path and account give way to the action's once refusals
     * differ) and answers the subject's refusals this minute over every action, and the seconds until the minute
     * ends. The statement sees the table as it was before its own insert: the other actions' rows plus the one
     * returned make the sum.
     */
    private static final String COUNT = """
            with clock as (select clock_timestamp() as at),
                 refusal as (
                     insert into access_refusal as r
                         (actor, minute, action, method, path, account_id, reason, refusals, first_at, last_at)
                     select ?::text, date_trunc('minute', at), ?::text, ?::text, ?::text, ?::text, ?::text, 1, at, at
                     from clock
                     on conflict (actor, minute, action) do update
                         set refusals   = r.refusals + 1,
                             first_at   = least(r.first_at, excluded.first_at),
                             last_at    = greatest(r.last_at, excluded.last_at),
                             method     = case when r.method = excluded.method then r.method else ?::text end,
                             path       = case when r.path = excluded.path then r.path else ?::text end,
                             account_id = case when r.account_id = excluded.account_id then r.account_id end,
                             reason     = excluded.reason
                     returning r.minute, r.refusals)
            select (refusal.refusals + coalesce((select sum(other.refusals) from access_refusal other
                                                 where other.actor = ? and other.minute = refusal.minute
                                                   and other.action <> ?), 0))::bigint as subject_refusals,
                   greatest(1, ceil(extract(epoch from refusal.minute + interval '1 minute' - clock.at)))::bigint
                       as retry_after
            from refusal, clock""";

    private static final String CLOSED = "minute < date_trunc('minute', clock_timestamp())";

    /** A subject's refusals in the current minute, and how long until that minute ends. */
    record Tally(long subjectRefusalsThisMinute, long secondsLeftInMinute) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final EventBus eventBus;
    private final RefusalSettings settings;
    private volatile ScheduledExecutorService timer;

    AccessRefusals(JdbcTemplate jdbc, TransactionTemplate transaction, EventBus eventBus, RefusalSettings settings) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.eventBus = eventBus;
        this.settings = settings;
    }

    /**
     * Counts one refusal of {@code actor} for {@code action}: {@code method}, {@code path} and {@code accountId} are
     * the request's.
     */
    Tally count(String actor, RefusedActions.Action action, String method, String path, String accountId,
                String reason) {
        return jdbc.queryForObject(COUNT, (row, n) -> new Tally(row.getLong("subject_refusals"),
                                                                row.getLong("retry_after")),
                                   actor, action.key(), method, path, accountId, reason,
                                   action.method(), action.pathPattern(), actor, action.key());
    }

    /** Publishes one event for each row of a closed minute, and deletes the rows; answers how many. */
    int flushClosedMinutes() {
        Boolean due = jdbc.queryForObject("select exists (select 1 from access_refusal where " + CLOSED + ")",
                                          Boolean.class);
        if (!Boolean.TRUE.equals(due)) {
            return 0;
        }
        Integer flushed = transaction.execute(status -> {
            // Conflicts with the ROW EXCLUSIVE lock every count takes: waits for the counts under way, holds new ones
            // back until this commits, and keeps a second flusher out.
            jdbc.execute("lock table access_refusal in share row exclusive mode");
            List<AccessDeniedEvent> closed = new ArrayList<>(jdbc.query(
                    "delete from access_refusal where " + CLOSED
                    + " returning actor, method, path, account_id, reason, refusals, first_at, last_at",
                    (row, n) -> event(row)));
            closed.sort(Comparator.comparing(AccessDeniedEvent::firstAt));
            List<EventMessage<?>> messages = new ArrayList<>();
            for (AccessDeniedEvent event : closed) {
                messages.add(GenericEventMessage.asEventMessage(event)
                                                .andMetaData(MetaData.from(Map.of(MetaDataKeys.ACTOR,
                                                                                  event.actor()))));
            }
            if (!messages.isEmpty()) {
                eventBus.publish(messages);
            }
            return messages.size();
        });
        return flushed == null ? 0 : flushed;
    }

    private static AccessDeniedEvent event(ResultSet row) throws SQLException {
        return new AccessDeniedEvent(row.getString("actor"), row.getString("method"), row.getString("path"),
                                     row.getString("account_id"), row.getString("reason"), row.getLong("refusals"),
                                     row.getObject("first_at", OffsetDateTime.class).toInstant(),
                                     row.getObject("last_at", OffsetDateTime.class).toInstant());
    }

    private void flushQuietly() {
        try {
            int flushed = flushClosedMinutes();
            if (flushed > 0) {
                log.debug("Recorded {} aggregated refusals", flushed);
            }
        } catch (RuntimeException e) {
            // The rows stay: this or another instance records them on a later round.
            log.warn("Could not record the refusals of closed minutes; trying again: {}", e.getMessage());
        }
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "access-refusal-flush");
            thread.setDaemon(true);
            return thread;
        });
        long period = settings.refusalFlushInterval().toMillis();
        timer.scheduleWithFixedDelay(this::flushQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = timer;
        if (running != null) {
            // Nothing is lost: the rows wait in the table for whichever instance flushes next, this one restarted too.
            running.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
