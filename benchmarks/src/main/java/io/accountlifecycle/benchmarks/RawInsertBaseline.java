package io.accountlifecycle.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * The physical limit the service is measured against: single-row INSERT + COMMIT of an event-shaped row (same columns,
 * keys and payload size as domain_event_entry), from N connections, on the same PostgreSQL.
 */
final class RawInsertBaseline {

    private static final byte[] PAYLOAD = new byte[420];
    private static final byte[] METADATA = new byte[160];

    static void prepare(String jdbcUrl, String user, String password) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute("drop table if exists bench_raw_event");
            s.execute("""
                      create table bench_raw_event (
                        global_index bigserial primary key, event_identifier varchar(255) not null unique,
                        aggregate_identifier varchar(255) not null, sequence_number bigint not null,
                        type varchar(255), time_stamp timestamptz not null, payload_type varchar(255) not null,
                        payload_revision varchar(255), payload bytea not null, meta_data bytea,
                        unique (aggregate_identifier, sequence_number))""");
        }
    }

    static void drop(String jdbcUrl, String user, String password) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute("drop table if exists bench_raw_event");
        }
    }

    /** Inserts per second over {@code seconds}, one row per transaction, from {@code connections} threads. */
    static double run(String jdbcUrl, String user, String password, int connections, int seconds) throws Exception {
        LongAdder done = new LongAdder();
        double elapsed = Load.run(connections, seconds, stopped -> {
            try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
                 PreparedStatement insert = c.prepareStatement(
                         "insert into bench_raw_event (event_identifier, aggregate_identifier, sequence_number, "
                         + "type, time_stamp, payload_type, payload_revision, payload, meta_data) "
                         + "values (?, ?, 0, 'Account', now(), 'io.accountlifecycle.api.AccountOpenedEvent', "
                         + "null, ?, ?)")) {
                c.setAutoCommit(true);
                while (!stopped.getAsBoolean()) {
                    insert.setString(1, UUID.randomUUID().toString());
                    insert.setString(2, UUID.randomUUID().toString());
                    insert.setBytes(3, PAYLOAD);
                    insert.setBytes(4, METADATA);
                    insert.executeUpdate();
                    done.increment();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return done.sum() / elapsed;
    }
}
