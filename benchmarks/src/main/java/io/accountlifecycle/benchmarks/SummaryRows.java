package io.accountlifecycle.benchmarks;

import org.HdrHistogram.Histogram;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When each expected account's row appears in the read model {@code projection.account_summary}: a thread asks for
 * the rows of the accounts not seen yet every {@code pollMillis} (by primary key) and records, per account, the time
 * from {@link #expect} to the start of the query that first found its row — an upper bound, late by at most one
 * poll interval.
 */
final class SummaryRows implements AutoCloseable {

    private final Map<UUID, Long> pending = new ConcurrentHashMap<>();
    private final Histogram latency = new Histogram(3);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread poller;
    private final Connection connection;
    private volatile Exception failure;

    SummaryRows(String jdbcUrl, String user, String password, int pollMillis) throws Exception {
        connection = DriverManager.getConnection(jdbcUrl, user, password);
        PreparedStatement query = connection.prepareStatement(
                "select account_id from projection.account_summary where account_id = any(?)");
        poller = new Thread(() -> {
            try {
                while (!stop.get()) {
                    if (!pending.isEmpty()) {
                        long asked = System.nanoTime();
                        query.setArray(1, connection.createArrayOf("uuid", pending.keySet().toArray()));
                        try (ResultSet rows = query.executeQuery()) {
                            while (rows.next()) {
                                Long sent = pending.remove(rows.getObject(1, UUID.class));
                                if (sent != null) {
                                    synchronized (latency) {
                                        latency.recordValue(Math.max(0, asked - sent) / 1000);
                                    }
                                }
                            }
                        }
                    }
                    Thread.sleep(pollMillis);
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure = e;
            }
        }, "summary-rows");
        poller.start();
    }

    /** Starts the clock for {@code accountId}: its command was sent at {@code sentNanos} (System.nanoTime). */
    void expect(UUID accountId, long sentNanos) {
        pending.put(accountId, sentNanos);
    }

    /** Rows seen so far. */
    long seen() {
        synchronized (latency) {
            return latency.getTotalCount();
        }
    }

    /** The latencies seen, in microseconds; throws what stopped the poller, if anything did. */
    Histogram latency() throws Exception {
        if (failure != null) {
            throw failure;
        }
        synchronized (latency) {
            return latency.copy();
        }
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        poller.join();
        connection.close();
    }
}
