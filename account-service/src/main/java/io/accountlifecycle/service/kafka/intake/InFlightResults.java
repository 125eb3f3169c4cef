package io.accountlifecycle.service.kafka.intake;

import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The intake's polls whose results and dead letters are still on their way to the broker, one chain per consumer
 * thread. A poll's offsets are acknowledged (and committed by the listener container at the start of its next loop)
 * only once the broker acknowledged its sends and every earlier poll's offsets were acknowledged; the consumer goes on
 * with the next poll meanwhile, and waits for a poll's sends only at the end of the poll after it. So at most one
 * poll's sends are in flight while the next is handled, the wait overlaps that poll's transaction, and offsets are
 * still committed in order, never past a poll whose results the broker has not taken.
 * <p>
 * When a poll's sends failed (or were not acknowledged in time), the poll after it returns where the consumer must
 * seek back to (or, with no poll after it, {@link #failedWhileIdle}): the failed poll's first offsets, so it and
 * everything after it is delivered again and answered from {@code processed_command}, as any redelivery is. Nothing
 * after the failed poll is ever acknowledged: each poll's acknowledgement waits for the one before. See ADR 14,
 * thirteenth session.
 */
final class InFlightResults {

    private static final CompletableFuture<Void> NONE = CompletableFuture.completedFuture(null);

    private final Duration timeout;
    private final LongSupplier nanoTime;
    /** This consumer thread's last poll whose acknowledgement may still be pending. */
    private final ThreadLocal<Poll> last = new ThreadLocal<>();
    /** This consumer thread's polls that failed since one it waited for was acknowledged. */
    private final ThreadLocal<int[]> failuresInARow = ThreadLocal.withInitial(() -> new int[1]);

    InFlightResults(Duration timeout) {
        this(timeout, System::nanoTime);
    }

    InFlightResults(Duration timeout, LongSupplier nanoTime) {
        this.timeout = timeout;
        this.nanoTime = nanoTime;
    }

    /** A poll's first offset per partition, when its sends were made, and when its offsets were acknowledged. */
    private record Poll(Map<TopicPartition, Long> firstOffsets, long sentAt, CompletableFuture<Void> acknowledged) {
    }

    /**
     * On the consumer thread, once a poll's transaction committed and its sends were made: {@code acknowledge} runs
     * once the broker took every one of {@code sends} and the poll before this one was acknowledged. Then waits for the
     * poll before this one. Returns the offsets to seek back to when that one's sends failed or were not acknowledged
     * within the timeout (its first offsets, and this poll's on partitions it did not have), or an empty map.
     */
    Map<TopicPartition, Long> sent(Map<TopicPartition, Long> firstOffsets, List<? extends CompletableFuture<?>> sends,
                                   Runnable acknowledge) {
        Poll before = last.get();
        CompletableFuture<Void> previous = before == null ? NONE : before.acknowledged();
        CompletableFuture<Void> mine = CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                                                        .thenCombine(previous, (a, b) -> (Void) null)
                                                        .thenRun(acknowledge);
        last.set(new Poll(Map.copyOf(firstOffsets), nanoTime.getAsLong(), mine));
        if (before == null) {
            return Map.of();
        }
        if (await(before.acknowledged())) {
            failuresInARow.get()[0] = 0;
            return Map.of();
        }
        // Nothing from the failed poll on is acknowledged (each acknowledgement waits for the one before): start over.
        Map<TopicPartition, Long> back = new HashMap<>(firstOffsets);
        back.putAll(before.firstOffsets());
        return failed(back);
    }

    /**
     * On the consumer thread, before its partitions are committed and some or all of them handed over (a rebalance,
     * or the consumer closing): waits for this thread's last poll to be acknowledged, so its offsets are committed with
     * the others. When it failed or timed out, returns its first offsets: the partitions handed over are delivered
     * again to whoever gets them, those the consumer keeps must be sought back to.
     */
    Map<TopicPartition, Long> awaitLast() {
        Poll before = last.get();
        last.remove();
        return before == null || await(before.acknowledged()) ? Map.of() : failed(before.firstOffsets());
    }

    /**
     * On the consumer thread while no records come: when its last poll's sends failed, or were not acknowledged
     * within the timeout, where to seek back to (its first offsets), and the poll is forgotten; otherwise an empty map,
     * without waiting for sends still in flight. A failed poll is otherwise only noticed when the next one is handled;
     * with nothing more to consume, its results would wait for the next command.
     */
    Map<TopicPartition, Long> failedWhileIdle() {
        Poll before = last.get();
        if (before == null || !(before.acknowledged().isCompletedExceptionally()
                                || !before.acknowledged().isDone()
                                   && nanoTime.getAsLong() - before.sentAt() > timeout.toNanos())) {
            return Map.of();
        }
        return failed(before.firstOffsets());
    }

    /**
     * How long to pause before delivering again after this consumer thread's last failure: 200 ms, doubling with each
     * failed poll since one was acknowledged, at most 10 s (as the container's error handler's back-off); zero without
     * a failure.
     */
    long pauseMillis() {
        int failures = failuresInARow.get()[0];
        return failures == 0 ? 0 : Math.min(10_000, 200L << Math.min(6, failures - 1));
    }

    private Map<TopicPartition, Long> failed(Map<TopicPartition, Long> back) {
        last.remove();
        failuresInARow.get()[0]++;
        return back;
    }

    /** On the consumer thread, when its partitions were lost to another member: its last poll is not waited for. */
    void forgetLast() {
        last.remove();
    }

    private boolean await(CompletableFuture<Void> acknowledged) {
        try {
            acknowledged.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
