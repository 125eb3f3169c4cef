package io.accountlifecycle.service.personal;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.SmartLifecycle;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Drops a purged account's data key from this instance's memory when the purge commits on any instance, not when the
 * key's time in the cache is up: the purge's transaction notifies {@value #CHANNEL} with the key id (delivered to
 * every listener at commit, never for a rollback), and this instance listens on a connection of its own, outside the
 * pool. While that connection is down, destructions may be missed: the whole cache is dropped when it comes back,
 * so a missed notification costs an unwrap, never a purged key kept in memory.
 */
class DataKeyDestructionListener implements SmartLifecycle {

    static final String CHANNEL = "account_data_key_destroyed";
    private static final Logger log = LoggerFactory.getLogger(DataKeyDestructionListener.class);
    private static final int WAIT_MILLIS = 5_000;
    private static final Duration RECONNECT_AFTER = Duration.ofSeconds(1);

    private final DataKeyStore keys;
    private final JdbcConnectionDetails database;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile boolean listening;

    DataKeyDestructionListener(DataKeyStore keys, JdbcConnectionDetails database) {
        this.keys = keys;
        this.database = database;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::listen, "data-key-destruction-listener");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread listener = thread;
        if (listener != null) {
            listener.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether notifications are being received now (tests and health). */
    boolean isListening() {
        return listening;
    }

    private void listen() {
        while (running) {
            try (Connection connection = DriverManager.getConnection(database.getJdbcUrl(), database.getUsername(),
                                                                     database.getPassword())) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("listen " + CHANNEL);
                }
                keys.forgetAll(); // anything destroyed before this connection listened
                listening = true;
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] received = notifications.getNotifications(WAIT_MILLIS);
                    if (received != null) {
                        for (PGNotification notification : received) {
                            keys.forget(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("Not listening for destroyed data keys ({}); retrying, and forgetting every cached key",
                             e.getMessage());
                }
            } finally {
                listening = false;
                keys.forgetAll();
            }
            pause();
        }
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT_AFTER.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
