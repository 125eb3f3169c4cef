package io.accountlifecycle.service.web;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.stereotype.Component;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Readiness includes PostgreSQL ({@code /readyz}, the {@code readiness} group): {@code DOWN} when it does not answer
 * {@code select 1} within {@code account.readiness.database-timeout} (1 s). A stalled server — its connections open,
 * nothing answered — is down too: a plain check would hang with the probe. The check runs on a connection of its own,
 * outside the pool, so a pool busy under load does not take the instance out of service; one check runs at a time,
 * and while it still waits the next answers {@code DOWN} at once with how long it has waited.
 */
@Component("database")
public class DatabaseReadiness extends AbstractHealthIndicator implements DisposableBean {

    private final JdbcConnectionDetails database;
    private final Duration timeout;
    private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "database-readiness");
        thread.setDaemon(true);
        return thread;
    });
    private Future<?> check;
    private long checkStarted;
    /** Only the checker thread touches it. */
    private Connection connection;

    DatabaseReadiness(JdbcConnectionDetails database,
                      @Value("${account.readiness.database-timeout:1s}") Duration timeout) {
        super("PostgreSQL readiness check failed");
        this.database = database;
        this.timeout = timeout;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        Future<?> current;
        long started;
        synchronized (this) {
            if (check == null || check.isDone()) {
                checkStarted = System.nanoTime();
                check = checker.submit(this::selectOne);
            }
            current = check;
            started = checkStarted;
        }
        long waited = System.nanoTime() - started;
        try {
            current.get(Math.max(0, timeout.toNanos() - waited), TimeUnit.NANOSECONDS);
            builder.up();
        } catch (TimeoutException e) {
            builder.down().withDetail("reason", "PostgreSQL has not answered for "
                                                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        } catch (ExecutionException e) {
            builder.down().withDetail("reason", "PostgreSQL: " + e.getCause().getMessage());
        }
    }

    private Void selectOne() throws SQLException {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(database.getJdbcUrl(), database.getUsername(),
                                                         database.getPassword());
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("select 1");
            }
            return null;
        } catch (SQLException e) {
            closeConnection();
            throw e;
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        checker.shutdownNow();
        if (checker.awaitTermination(1, TimeUnit.SECONDS)) {
            closeConnection(); // the checker is done with it
        }
    }
}
