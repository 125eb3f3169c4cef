package io.accountlifecycle.service.eventstore;

import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Axon's JDBC engine on our own PostgreSQL schema. Timestamps are {@code timestamptz} rather than Axon's default
 * ISO strings, so that "as of" reads, token-at-time and analysts' SQL compare instants, not text of varying width.
 */
public class PostgresEventStorageEngine extends JdbcEventStorageEngine {

    protected PostgresEventStorageEngine(Builder builder) {
        super(builder);
    }

    /** Builds this engine from a configured {@link JdbcEventStorageEngine#builder()} (its constructor is private). */
    public static PostgresEventStorageEngine from(Builder builder) {
        return new PostgresEventStorageEngine(builder);
    }

    @Override
    protected Object readTimeStamp(ResultSet resultSet, String columnName) throws SQLException {
        OffsetDateTime value = resultSet.getObject(columnName, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    @Override
    protected void writeTimestamp(PreparedStatement statement, int position, Instant timestamp) throws SQLException {
        statement.setObject(position, OffsetDateTime.ofInstant(timestamp, ZoneOffset.UTC));
    }
}
