package io.accountlifecycle.projections.support;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * The dead-letter queue is for events that cannot be applied, not for a moment's trouble: a deadlock, a
 * serialization failure, a lost connection or a cancelled statement fails the whole batch instead (thrown from the
 * policy), so the processor rolls it back and applies it again; anything else parks the event.
 */
public final class TransientFailuresAreRetried implements EnqueuePolicy<EventMessage<?>> {

    /** deadlock, serialization failure, query cancelled, admin shutdown, and the connection classes 08xxx. */
    private static final Set<String> TRANSIENT_STATES = Set.of("40P01", "40001", "57014", "57P01", "55P03");

    @Override
    public EnqueueDecision<EventMessage<?>> decide(DeadLetter<? extends EventMessage<?>> letter, Throwable cause) {
        if (isTransient(cause)) {
            throw new TransientProjectionFailure(cause);
        }
        return Decisions.enqueue(cause);
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TransientDataAccessException || t instanceof PessimisticLockingFailureException
                || t instanceof SQLTransientException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                && (TRANSIENT_STATES.contains(sql.getSQLState()) || sql.getSQLState().startsWith("08"))) {
                return true;
            }
        }
        return false;
    }

    /** Fails the batch so that it is retried as a whole. */
    public static final class TransientProjectionFailure extends RuntimeException {
        TransientProjectionFailure(Throwable cause) {
            super("Transient failure, the batch is retried: " + cause, cause);
        }
    }
}
