package io.accountlifecycle.projections.support;

import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.interceptors.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A projection writing plain SQL in its processor's transaction (one per batch, with the token). Handlers are
 * idempotent: replays and redeliveries change nothing. A failing event is parked by the dead-letter queue; the guard
 * keeps a failure in the database from taking the rest of the batch with it.
 */
public abstract class JdbcProjector {

    protected final JdbcTemplate jdbc;
    private final StatementGuard guard;
    private final String resourceKey = getClass().getName() + ".pendingWrites";

    protected JdbcProjector(JdbcTemplate jdbc, StatementGuard guard) {
        this.jdbc = jdbc;
        this.guard = guard;
    }

    @MessageHandlerInterceptor
    public Object guarded(InterceptorChain chain) throws Exception {
        return guard.proceed(chain);
    }

    /**
     * Applies {@code sql} in this batch's transaction: deferred into a JDBC batch sent before the commit, or at once
     * while the guard is careful (or outside a processor's unit of work).
     */
    protected void write(String sql, Object... arguments) {
        if (!CurrentUnitOfWork.isStarted()) {
            jdbc.update(sql, arguments);
            return;
        }
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        if (guard.careful()) {
            // Turned careful mid-batch (another thread failed, or parked events are retried): what this batch
            // held back goes first, so the database still applies everything in event order.
            PendingWrites held = batch.getResource(resourceKey);
            if (held != null) {
                held.flush();
            }
            jdbc.update(sql, arguments);
            return;
        }
        PendingWrites writes = batch.getOrComputeResource(resourceKey, key -> {
            PendingWrites pending = new PendingWrites(jdbc, guard);
            batch.onPrepareCommit(u -> pending.flush());
            return pending;
        });
        writes.add(sql, arguments);
    }

    /** The tables a replay empties before it starts again from the first event. */
    protected void truncate(String... tables) {
        jdbc.execute("truncate " + String.join(", ", tables));
    }
}
