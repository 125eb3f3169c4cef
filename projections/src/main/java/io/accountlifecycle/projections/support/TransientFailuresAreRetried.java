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
 * serialization failure, a lost connection, a cancelled statement, a server shutting down or a server short of a
 * resource (disk full, out of memory, too many connections) fails the whole batch instead (thrown from the policy),
 * so the processor rolls it back and applies it again; anything else parks the event. A database out of disk space
 * is retried until space returns: parking the events it refused would leave them out of the read model, which a
 * replay would then disagree with.
 */
public final class TransientFailuresAreRetried implements EnqueuePolicy<EventMessage<?>> {

    /**
     * deadlock, serialization failure, query cancelled, lock not available, and the server shutting down, crashed or
     * not accepting connections yet; with the classes 08 (connection) and 53 (insufficient resources: disk full,
     * out of memory, too many connections).
     */
    private static final Set<String> TRANSIENT_STATES = Set.of("40P01", "40001", "57014", "55P03", "57P01", "57P02",
                                                               "57P03");
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53");
    /** What {@code ENOSPC} reads as where PostgreSQL reports it under another SQLSTATE (an I/O error, 58030). */
    private static final String NO_SPACE = "No space left on device";

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
            if (t instanceof SQLException sql && (transientState(sql.getSQLState())
                                                  || sql.getMessage() != null && sql.getMessage().contains(NO_SPACE))) {
                return true;
            }
        }
        return false;
    }

    private static boolean transientState(String state) {
        return state != null && state.length() == 5
               && (TRANSIENT_STATES.contains(state) || TRANSIENT_CLASSES.contains(state.substring(0, 2)));
    }

    /** Fails the batch so that it is retried as a whole. */
    public static final class TransientProjectionFailure extends RuntimeException {
        TransientProjectionFailure(Throwable cause) {
            super("Transient failure, the batch is retried: " + cause, cause);
        }
    }
}
