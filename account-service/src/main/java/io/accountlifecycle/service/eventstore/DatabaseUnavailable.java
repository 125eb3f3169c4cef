package io.accountlifecycle.service.eventstore;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Whether a failure means the database could not be reached or dropped the session — the kind a caller can retry
 * later — rather than a fault in the request or the service. Judged over the whole cause chain, because what reaches
 * the web layer is whatever wrapped it on the way: Spring's {@code CannotGetJdbcConnectionException} or
 * {@code CannotCreateTransactionException}, Axon's {@code EventStoreException} or {@code JdbcException} around the
 * driver's {@code SQLException}, the pool's {@code SQLTransientConnectionException}. A session killed mid-statement
 * often surfaces only as the failed rollback that followed ({@code TransactionSystemException} around the pool's
 * "Connection is closed", which has no SQLSTATE): Axon's {@code fetchInTransaction} rolls back and the rollback's
 * failure replaces the original one. A commit or rollback cannot fail for want of a SQLSTATE for any other reason, so
 * that counts too; a commit refused for a data error (SQLSTATE 23…, 40…) does not. A database out of disk space
 * ({@link #diskFull}) counts as well: the request was fine and can be retried once space returns.
 */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    public static boolean causedBy(Throwable failure) {
        return anyCause(failure, cause -> cause instanceof DataAccessResourceFailureException // CannotGetJdbcConnection…
                                          || cause instanceof TransientDataAccessResourceException
                                          || cause instanceof CannotCreateTransactionException
                                          || cause instanceof SQLTransientConnectionException
                                          || cause instanceof SQLNonTransientConnectionException
                                          || cause instanceof SQLException sql && unavailable(sql.getSQLState())
                                          || cause instanceof TransactionSystemException
                                             && cause.getCause() instanceof SQLException failed
                                             && (failed.getSQLState() == null || unavailable(failed.getSQLState())))
               || diskFull(failure);
    }

    /**
     * Whether PostgreSQL refused to store the change for want of disk space (SQLSTATE 53100, {@code disk_full}: "could
     * not extend file … No space left on device"; or that message under another SQLSTATE). Nothing of the transaction
     * was stored, and nothing the caller sent was wrong: it is retried once space returns, never acknowledged and
     * never dead-lettered.
     */
    public static boolean diskFull(Throwable failure) {
        return anyCause(failure, cause -> cause instanceof SQLException sql
                                          && (DISK_FULL.equals(sql.getSQLState())
                                              || sql.getMessage() != null && sql.getMessage().contains(NO_SPACE)));
    }

    /** Whether any throwable in the cause chain matches, each looked at once (a chain may loop back on itself). */
    private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (test.test(cause)) {
                return true;
            }
        }
        return false;
    }

    private static final String DISK_FULL = "53100";
    /**
     * What {@code ENOSPC} reads as where PostgreSQL reports it under another SQLSTATE: a commit that cannot write its
     * notification to {@code pg_notify}, for one ("could not access status of transaction 0 … No space left on device").
     */
    private static final String NO_SPACE = "No space left on device";

    /**
     * SQLSTATE class 08 (connection exception: refused, lost, broken), 57P01–57P03 (the server is shutting down,
     * crashed, or not accepting connections yet) and 53300 (too many connections).
     */
    private static boolean unavailable(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                                 || state.equals("57P03") || state.equals("53300"));
    }
}
