package io.accountlifecycle.service.eventstore;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HeadReadPacingTest {

    private long now = 1_000_000_000L;
    private final List<Long> pauses = new ArrayList<>();
    private final HeadReadPacing pacing = new HeadReadPacing(Duration.ofMillis(10), () -> now, nanos -> {
        pauses.add(nanos);
        now += nanos;
    });

    @Test
    void aReadAfterOneThatFoundSomeEventsButNotABatchWaitsForTheRestOfTheInterval() {
        long started = pacing.beforeRead();
        now += 3_000_000; // the read took 3 ms and found two events
        pacing.afterRead(started, 2, 500);
        long next = pacing.beforeRead();
        assertThat(pauses).containsExactly(7_000_000L);
        assertThat(next).isEqualTo(started + 10_000_000);
    }

    @Test
    void aReadAfterAnEmptyOneDoesNotWait() {
        long started = pacing.beforeRead();
        pacing.afterRead(started, 0, 500);
        pacing.beforeRead();
        assertThat(pauses).isEmpty();
    }

    @Test
    void aReadAfterAFullBatchDoesNotWait() {
        long started = pacing.beforeRead();
        pacing.afterRead(started, 500, 500);
        pacing.beforeRead();
        assertThat(pauses).isEmpty();
    }

    @Test
    void aReadLaterThanTheIntervalDoesNotWait() {
        long started = pacing.beforeRead();
        pacing.afterRead(started, 1, 500);
        now += 12_000_000;
        pacing.beforeRead();
        assertThat(pauses).isEmpty();
    }

    @Test
    void eachThreadIsPacedByItsOwnReads() throws InterruptedException {
        long started = pacing.beforeRead();
        pacing.afterRead(started, 1, 500);
        Thread other = new Thread(pacing::beforeRead);
        other.start();
        other.join();
        assertThat(pauses).isEmpty();
    }

    @Test
    void aZeroIntervalNeverWaits() {
        HeadReadPacing none = new HeadReadPacing(Duration.ZERO, () -> now, nanos -> pauses.add(nanos));
        long started = none.beforeRead();
        none.afterRead(started, 1, 500);
        none.beforeRead();
        assertThat(pauses).isEmpty();
    }
}
