package io.accountlifecycle.service.command;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Group commit: commands that arrive at the same time (concurrent HTTP requests) share one database transaction,
 * each in a savepoint of its own. A command that fails rolls back to its savepoint and its caller gets its own
 * exception; the others go on, and every caller is answered only once the group has committed, so nothing is
 * acknowledged that is not durable. A command already inside a transaction (a Kafka poll's, which groups its records
 * the same way, or a batch step's) simply joins it.
 * <p>
 * {@code committers} groups are in flight at once: while one waits for its commit to reach the disk, the next is being
 * filled and run. A group holds what was waiting when a committer became free, at most {@code max-size} commands, so
 * an idle service answers a lone command in one transaction of one command, as before, and a busy one spends one
 * commit on many. Off by default for now ({@code account.commands.group.enabled}): on the 2-core benchmark machine,
 * whose disk commits in a quarter of a millisecond, running the commands on four committer threads instead of the
 * request threads cost more than the commits it saved (ADR 14, README "Benchmarks").
 * See docs/adr/0014-group-commit-and-wake-ups.md.
 */
@Component
public class CommandGroups implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CommandGroups.class);

    private final BlockingQueue<Pending<?>> waiting = new LinkedBlockingQueue<>();
    private final TransactionTemplate alone;
    private final TransactionTemplate group;
    private final TransactionTemplate savepoint;
    private final boolean enabled;
    private final int committers;
    private final int maxSize;
    private final DistributionSummary groupSizes;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public CommandGroups(PlatformTransactionManager transactions, MeterRegistry metrics,
                         @Value("${account.commands.group.enabled:false}") boolean enabled,
                         @Value("${account.commands.group.committers:4}") int committers,
                         @Value("${account.commands.group.max-size:32}") int maxSize) {
        this.alone = new TransactionTemplate(transactions);
        this.group = new TransactionTemplate(transactions);
        this.group.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.enabled = enabled;
        this.committers = Math.max(1, committers);
        this.maxSize = Math.max(1, maxSize);
        this.groupSizes = DistributionSummary.builder("account.commands.group.size")
                                             .description("Commands per group commit (HTTP commands)")
                                             .register(metrics);
    }

    /**
     * Runs {@code command} in a transaction: in a group with whatever else arrives now, or in the caller's own
     * transaction if it has one. Returns once the command's transaction committed; throws what the command threw, or
     * why the group could not commit.
     */
    public <T> T run(Supplier<T> command) {
        if (!running || TransactionSynchronizationManager.isActualTransactionActive()) {
            return alone.execute(status -> command.get());
        }
        Pending<T> pending = new Pending<>(command);
        waiting.add(pending);
        if (!running && waiting.remove(pending)) {
            // Stopped while queueing: nobody will take it.
            return alone.execute(status -> command.get());
        }
        try {
            return pending.outcome.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** As {@link #run(Supplier)}, for a command without a result. */
    public void run(Runnable command) {
        run(() -> {
            command.run();
            return null;
        });
    }

    /** Commands waiting for a committer (for tests). */
    int queued() {
        return waiting.size();
    }

    private void commitGroups() {
        List<Pending<?>> members = new ArrayList<>(maxSize);
        while (running || !waiting.isEmpty()) {
            members.clear();
            try {
                Pending<?> first = waiting.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                members.add(first);
            } catch (InterruptedException e) {
                if (waiting.isEmpty()) {
                    return;
                }
                continue;
            }
            waiting.drainTo(members, maxSize - 1);
            groupSizes.record(members.size());
            commit(members);
        }
    }

    private void commit(List<Pending<?>> members) {
        try {
            if (members.size() == 1) {
                // No savepoint to pay for: the command's failure is the transaction's.
                Pending<?> only = members.get(0);
                group.executeWithoutResult(status -> only.run());
            } else {
                group.executeWithoutResult(status -> {
                    for (Pending<?> member : members) {
                        try {
                            savepoint.executeWithoutResult(nested -> member.run());
                        } catch (RuntimeException | Error e) {
                            member.failure = e;
                        }
                    }
                });
            }
        } catch (RuntimeException | Error e) {
            // Nothing of the group is stored: every caller learns why (its own failure if it had one).
            for (Pending<?> member : members) {
                if (member.failure == null) {
                    member.failure = e;
                }
            }
            if (members.size() > 1) {
                log.debug("A group of {} commands failed to commit: {}", members.size(), e.toString());
            }
        }
        members.forEach(Pending::answer);
    }

    @Override
    public synchronized void start() {
        if (running || !enabled) {
            return;
        }
        running = true;
        for (int i = 1; i <= committers; i++) {
            Thread thread = new Thread(this::commitGroups, "command-group-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        // Committers finish what is queued, then end.
        for (Thread thread : threads) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Started before, stopped after the web server (whose graceful shutdown waits for requests waiting here). */
    @Override
    public int getPhase() {
        return 0;
    }

    private static final class Pending<T> {

        private final Supplier<T> command;
        private final CompletableFuture<T> outcome = new CompletableFuture<>();
        private T value;
        private Throwable failure;

        private Pending(Supplier<T> command) {
            this.command = command;
        }

        private void run() {
            value = command.get();
        }

        private void answer() {
            if (failure == null) {
                outcome.complete(value);
            } else {
                outcome.completeExceptionally(failure);
            }
        }
    }
}
