package io.accountlifecycle.service.eventstore;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Paces a reader that follows the head of the event table while events keep arriving: after a read that found some
 * events but not a full batch (the reader is at the head), the next read on that thread waits until {@code interval}
 * has passed since that read began. Axon's store reader otherwise reads again the moment a read returns; under load it
 * found one to three events each time, and each read woke every processor for a transaction of its own (ADR 14,
 * seventh session). Waiting lets the events of {@code interval} arrive together: one query and one transaction per
 * processor for all of them. A read after an empty or a full one does not wait (a first event on a quiet store, or a
 * reader catching up), so a lone command's event is read as soon as it is committed.
 */
final class HeadReadPacing {

    /** Waits the given number of nanoseconds (interruptibly). */
    interface Pause {
        void nanos(long nanos) throws InterruptedException;
    }

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Pause pause;
    /** Per thread: when its last read at the head began, or {@link Long#MIN_VALUE} when the last read was not one. */
    private final ThreadLocal<long[]> lastHeadRead = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});

    HeadReadPacing(Duration interval) {
        this(interval, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    HeadReadPacing(Duration interval, LongSupplier nanoTime, Pause pause) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.pause = pause;
    }

    /** Before a read: waits if this thread's last read was at the head less than the interval ago; then its start. */
    long beforeRead() {
        long now = nanoTime.getAsLong();
        long last = lastHeadRead.get()[0];
        if (intervalNanos > 0 && last != Long.MIN_VALUE) {
            long wait = last + intervalNanos - now;
            if (wait > 0) {
                try {
                    pause.nanos(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                now = nanoTime.getAsLong();
            }
        }
        return now;
    }

    /** After a read that began at {@code started} and found {@code found} of at most {@code batchSize} events. */
    void afterRead(long started, int found, int batchSize) {
        lastHeadRead.get()[0] = found > 0 && found < batchSize ? started : Long.MIN_VALUE;
    }
}
