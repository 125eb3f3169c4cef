package io.accountlifecycle.projections.support;

import org.axonframework.messaging.InterceptorChain;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.datasource.DataSourceUtils;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Savepoint;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a projection park one failing event without losing the batch around it. A statement that fails in PostgreSQL
 * aborts the whole transaction, so the dead-letter queue could not even record it; a savepoint per event would avoid
 * that but triples the round trips of every replay. So: events run bare until a statement fails — that batch rolls
 * back and the processor retries it — and the next {@code carefulEvents} events each run under a savepoint, where a
 * failure rolls back only its own event and is parked in the dead-letter queue. While not careful, projections
 * defer their statements into JDBC batches ({@link PendingWrites}); while careful, each runs at once.
 */
public final class StatementGuard {

    private final DataSource dataSource;
    private final long carefulEvents;
    private final AtomicLong carefulLeft = new AtomicLong();

    public StatementGuard(DataSource dataSource, long carefulEvents) {
        this.dataSource = dataSource;
        this.carefulEvents = carefulEvents;
    }

    public Object proceed(InterceptorChain chain) throws Exception {
        if (carefulLeft.get() <= 0) {
            try {
                return chain.proceed();
            } catch (DataAccessException failedInDatabase) {
                beCareful();
                throw failedInDatabase;
            }
        }
        carefulLeft.decrementAndGet();
        Connection connection = DataSourceUtils.getConnection(dataSource);
        Savepoint savepoint = connection.setSavepoint();
        try {
            Object result = chain.proceed();
            connection.releaseSavepoint(savepoint);
            return result;
        } catch (Exception e) {
            connection.rollback(savepoint);
            throw e;
        }
    }

    /** The next events run one by one under a savepoint each: a statement failed, or parked events are retried. */
    public void beCareful() {
        carefulLeft.set(carefulEvents);
    }

    /** Whether events currently run under savepoints (after a failure in the database). */
    public boolean careful() {
        return carefulLeft.get() > 0;
    }
}
