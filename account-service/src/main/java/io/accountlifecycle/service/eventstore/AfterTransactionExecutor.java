package io.accountlifecycle.service.eventstore;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Runs each task on a thread of its own once the transaction it was handed over in has ended (at once when there is
 * none): the task sees what that transaction committed, and can neither fail it nor hold it up. A task handed over in a
 * transaction that rolled back runs too, since whoever handed it over may count on it ending (Axon's snapshotter holds
 * a snapshot "in progress" until its task ends).
 */
final class AfterTransactionExecutor implements Executor, AutoCloseable {

    private final ExecutorService thread;

    AfterTransactionExecutor(String threadName) {
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread daemon = new Thread(task, threadName);
            daemon.setDaemon(true);
            return daemon;
        });
    }

    @Override
    public void execute(Runnable task) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            thread.execute(task);
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                thread.execute(task);
            }
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
