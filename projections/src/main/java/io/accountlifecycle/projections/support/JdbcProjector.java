package io.accountlifecycle.projections.support;

import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.interceptors.MessageHandlerInterceptor;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A projection writing plain SQL in its processor's transaction (one per batch, with the token). Handlers are
 * idempotent: replays and redeliveries change nothing. A failing event is parked by the dead-letter queue; the guard
 * keeps a failure in the database from taking the rest of the batch with it.
 */
public abstract class JdbcProjector {

    protected final JdbcTemplate jdbc;
    private final StatementGuard guard;

    protected JdbcProjector(JdbcTemplate jdbc, StatementGuard guard) {
        this.jdbc = jdbc;
        this.guard = guard;
    }

    @MessageHandlerInterceptor
    public Object guarded(InterceptorChain chain) throws Exception {
        return guard.proceed(chain);
    }

    /** The tables a replay empties before it starts again from the first event. */
    protected void truncate(String... tables) {
        jdbc.execute("truncate " + String.join(", ", tables));
    }
}
