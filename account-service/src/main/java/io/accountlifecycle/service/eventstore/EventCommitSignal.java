package io.accountlifecycle.service.eventstore;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * "Events were committed": said on this instance right after the appending transaction commits, and to every other
 * instance through PostgreSQL {@code LISTEN/NOTIFY} on {@value #CHANNEL}, so that streaming processors read the store
 * when there is something to read instead of on a timer (docs/adr/0014-group-commit-and-wake-ups.md).
 * <p>
 * The notification is not sent by the appending transaction itself: PostgreSQL serialises the commits of notifying
 * transactions on one lock held through the WAL flush, which would undo group commit under concurrent load. A single
 * notifier thread sends it afterwards, in its own transaction with {@code synchronous_commit} off (the events are
 * already durable; a notification is only a hint), and coalesces every commit that happened while it was busy into the
 * next one, at most one per {@code notifyInterval}. A lost notification (a crash between the commit and the notification, a listener reconnecting) costs one
 * polling interval of the fallback, never an event: what a processor reads is decided by its token alone.
 */
public class EventCommitSignal implements AutoCloseable {

    /** The {@code LISTEN/NOTIFY} channel; its payload is the id of the instance that committed. */
    public static final String CHANNEL = "account_events";

    private static final Logger log = LoggerFactory.getLogger(EventCommitSignal.class);
    private static final Object BOUND = EventCommitSignal.class.getName() + ".bound";
    /**
     * The longest single wait for a notification: a socket read ignores {@link Thread#interrupt()}, so this bounds
     * how long {@link #close()} waits for the listener to notice it should stop when its own notification cannot
     * reach it. A notification still returns at once. Each slice that ends without one costs a
     * {@code SocketTimeoutException} (the driver's way of timing out a read): at 200 ms, five a second on an idle
     * instance.
     */
    private static final long WAIT_SLICE_MILLIS = 1_000;

    private final DataSource dataSource;
    private final Duration listenTimeout;
    private final Duration notifyInterval;
    private final String instanceId = UUID.randomUUID().toString();
    private final List<Runnable> wakeUps = new CopyOnWriteArrayList<>();
    private final Object notifyLock = new Object();
    private boolean notifyRequested;
    private volatile boolean running;
    private Thread listener;
    private Thread notifier;

    /**
     * @param listenTimeout how long the listener waits for a notification before it checks its connection; also how
     *                      soon it notices it should stop
     * @param notifyInterval the least time between two notifications to the other instances: commits in between are
     *                       told together in the next (this instance is woken at each commit regardless)
     */
    public EventCommitSignal(DataSource dataSource, Duration listenTimeout, Duration notifyInterval) {
        this.dataSource = dataSource;
        this.listenTimeout = listenTimeout;
        this.notifyInterval = notifyInterval;
    }

    /** Runs {@code wakeUp} whenever events were committed here or on another instance (on a thread of its own). */
    public void onCommit(Runnable wakeUp) {
        wakeUps.add(wakeUp);
    }

    /**
     * Called by the storage engine after it inserted events: wakes everyone once the surrounding transaction has
     * committed (at once if there is none), and once per transaction however many appends it made.
     */
    public void appended() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            committed();
            return;
        }
        if (TransactionSynchronizationManager.hasResource(BOUND)) {
            return;
        }
        TransactionSynchronizationManager.bindResource(BOUND, Boolean.TRUE);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                committed();
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(BOUND);
            }
        });
    }

    /** Events committed on this instance: wake its processors now, and the other instances' through PostgreSQL. */
    public void committed() {
        wakeLocally();
        synchronized (notifyLock) {
            notifyRequested = true;
            notifyLock.notifyAll();
        }
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        listener = daemon(this::listen, "event-commit-listener");
        notifier = daemon(this::sendNotifications, "event-commit-notifier");
    }

    @Override
    public synchronized void close() {
        running = false;
        synchronized (notifyLock) {
            notifyLock.notifyAll();
        }
        if (listener != null) {
            // On a thread of its own: with every pooled connection in use, borrowing one could wait far longer than
            // the slice it saves.
            daemon(this::wakeListener, "event-commit-listener-stop");
        }
        for (Thread thread : new Thread[] {listener, notifier}) {
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Ends the listener's wait at once with a notification of this instance's own (which it does not act on); when
     * that fails it notices at the end of its current wait slice. Other instances are woken once for nothing.
     */
    private void wakeListener() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true); // a notification is delivered at commit
            try (PreparedStatement notify = connection.prepareStatement("select pg_notify(?, ?)")) {
                notify.setString(1, CHANNEL);
                notify.setString(2, instanceId);
                notify.execute();
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("Could not wake the listener for committed events: {}", e.toString());
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void wakeLocally() {
        for (Runnable wakeUp : wakeUps) {
            try {
                wakeUp.run();
            } catch (RuntimeException e) {
                log.warn("A wake-up after committed events failed", e);
            }
        }
    }

    private void listen() {
        boolean failing = false;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("listen " + CHANNEL);
                }
                if (failing) {
                    log.info("Listening for committed events again");
                    failing = false;
                }
                // Anything committed while nobody listened is read now.
                wakeLocally();
                PGConnection pg = connection.unwrap(PGConnection.class);
                long quietSince = System.nanoTime();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(
                            (int) Math.max(1, Math.min(WAIT_SLICE_MILLIS, listenTimeout.toMillis())));
                    if (notifications == null || notifications.length == 0) {
                        if (System.nanoTime() - quietSince >= listenTimeout.toNanos()) {
                            // Quiet: a round trip tells a live connection from one that died without a word.
                            try (Statement statement = connection.createStatement()) {
                                statement.execute("select 1");
                            }
                            quietSince = System.nanoTime();
                        }
                        continue;
                    }
                    quietSince = System.nanoTime();
                    for (PGNotification notification : notifications) {
                        if (!instanceId.equals(notification.getParameter())) {
                            wakeLocally(); // once for the whole array: one read catches up with all of them
                            break;
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!failing) {
                    log.warn("Not listening for committed events (processors poll until it is back): {}",
                             e.toString());
                    failing = true;
                }
                if (!pause(Duration.ofSeconds(1))) {
                    return;
                }
            }
        }
    }

    private void sendNotifications() {
        while (running) {
            synchronized (notifyLock) {
                while (!notifyRequested && running) {
                    try {
                        notifyLock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                notifyRequested = false;
            }
            if (!running) {
                return;
            }
            long sent = System.nanoTime();
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                // Two round trips: BEGIN travels with the statement, then the commit.
                try (PreparedStatement notify = connection.prepareStatement(
                        "select set_config('synchronous_commit', 'off', true), pg_notify(?, ?)")) {
                    notify.setString(1, CHANNEL);
                    notify.setString(2, instanceId);
                    notify.execute();
                }
                connection.commit();
                connection.setAutoCommit(autoCommit);
            } catch (SQLException | RuntimeException e) {
                // Other instances find these events at their next poll.
                log.debug("Could not notify other instances of committed events: {}", e.toString());
                if (!pause(Duration.ofMillis(200))) {
                    return;
                }
            }
            // Commits during the pause are told in the next notification: at most one per notifyInterval.
            long waitNanos = notifyInterval.toNanos() - (System.nanoTime() - sent);
            if (waitNanos > 0 && !pause(Duration.ofNanos(waitNanos))) {
                return;
            }
        }
    }

    private boolean pause(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
