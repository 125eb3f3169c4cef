package io.accountlifecycle.projections.support;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.List;

/**
 * A projection's statements of one unit of work (one batch of events), sent as JDBC batches: consecutive statements
 * with the same SQL go in one round trip, a different statement first sends what is pending, so the database applies
 * everything in event order. Whatever is pending is sent before the batch's transaction commits, with its token.
 */
final class PendingWrites {

    private static final int MAX_BATCH = 1_000;

    private final JdbcTemplate jdbc;
    private final StatementGuard guard;
    private String sql;
    private final List<Object[]> arguments = new ArrayList<>();

    PendingWrites(JdbcTemplate jdbc, StatementGuard guard) {
        this.jdbc = jdbc;
        this.guard = guard;
    }

    void add(String statement, Object[] values) {
        if (sql != null && !sql.equals(statement)) {
            flush();
        }
        sql = statement;
        arguments.add(values);
        if (arguments.size() >= MAX_BATCH) {
            flush();
        }
    }

    /** Sends what is pending; a failure turns the guard careful, so the retried batch can park the culprit. */
    void flush() {
        if (arguments.isEmpty()) {
            return;
        }
        try {
            if (arguments.size() == 1) {
                jdbc.update(sql, arguments.get(0));
            } else {
                jdbc.batchUpdate(sql, arguments);
            }
        } catch (DataAccessException e) {
            guard.beCareful();
            throw e;
        } finally {
            arguments.clear();
            sql = null;
        }
    }
}
