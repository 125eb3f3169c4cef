package io.accountlifecycle.service.eventstore;

import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.common.jdbc.JdbcException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** What counts as "the database is unavailable" (503) and what stays a fault (500 or the caller's 4xx). */
class DatabaseUnavailableTest {

    @Test
    void lostOrRefusedConnectionsCountHoweverTheyAreWrapped() {
        SQLException killed = new SQLException("terminating connection due to administrator command", "57P01");
        assertThat(DatabaseUnavailable.causedBy(new JdbcException("Failed to read events", killed))).isTrue();
        assertThat(DatabaseUnavailable.causedBy(new CommandExecutionException("failed", new JdbcException(
                "append", new SQLException("An I/O error occurred while sending to the backend.", "08006")))))
                .isTrue();
        assertThat(DatabaseUnavailable.causedBy(new CannotCreateTransactionException(
                "Could not open JDBC Connection for transaction",
                new SQLTransientConnectionException("Connection is not available, request timed out")))).isTrue();
        assertThat(DatabaseUnavailable.causedBy(new CannotGetJdbcConnectionException("no connection"))).isTrue();
        assertThat(DatabaseUnavailable.causedBy(new TransactionSystemException(
                "JDBC rollback failed", new SQLException("Connection is closed")))).isTrue();
        assertThat(DatabaseUnavailable.causedBy(new SQLException("too many connections", "53300"))).isTrue();
    }

    @Test
    void aDatabaseOutOfDiskSpaceCountsAndIsToldApart() {
        JdbcException full = new JdbcException("append", new SQLException(
                "could not extend file \"base/16384/16390\": No space left on device", "53100"));
        assertThat(DatabaseUnavailable.causedBy(new CommandExecutionException("failed", full))).isTrue();
        assertThat(DatabaseUnavailable.diskFull(new CommandExecutionException("failed", full))).isTrue();
        assertThat(DatabaseUnavailable.diskFull(new SQLException("too many connections", "53300"))).isFalse();
        // A commit whose notification cannot be written to pg_notify: another SQLSTATE, the same cause.
        assertThat(DatabaseUnavailable.diskFull(new SQLException("ERROR: could not access status of transaction 0\n"
                + "  Detail: Could not write to file \"pg_notify/000000000000000\" at offset 0: No space left on device.",
                "58030"))).isTrue();
    }

    @Test
    void dataErrorsAndBugsDoNot() {
        assertThat(DatabaseUnavailable.causedBy(new DataIntegrityViolationException("duplicate key",
                new SQLException("duplicate key value violates unique constraint", "23505")))).isFalse();
        assertThat(DatabaseUnavailable.causedBy(new TransactionSystemException(
                "JDBC commit failed", new SQLException("could not serialize access", "40001")))).isFalse();
        assertThat(DatabaseUnavailable.causedBy(new JdbcException("bad SQL",
                new SQLException("syntax error", "42601")))).isFalse();
        assertThat(DatabaseUnavailable.causedBy(new IllegalStateException("a bug"))).isFalse();
    }
}
