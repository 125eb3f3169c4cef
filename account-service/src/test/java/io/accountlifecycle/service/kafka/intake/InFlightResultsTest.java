package io.accountlifecycle.service.kafka.intake;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightResultsTest {

    private static final TopicPartition P0 = new TopicPartition("account.commands", 0);
    private static final TopicPartition P1 = new TopicPartition("account.commands", 1);
    /** The broker's acknowledgement arriving while the consumer thread waits for it. */
    private static final Executor LATER = CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS);

    private final InFlightResults inFlight = new InFlightResults(Duration.ofMillis(200));
    private final List<String> acknowledged = new CopyOnWriteArrayList<>();

    private Runnable ack(String poll) {
        return () -> acknowledged.add(poll);
    }

    @Test
    void aPollIsAcknowledgedOnlyOnceItsSendsAndThePollBeforeItAre() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        assertThat(inFlight.sent(Map.of(P0, 10L), List.of(first), ack("first"))).isEmpty();
        assertThat(acknowledged).isEmpty();

        // The second poll's sends are acknowledged first: it waits for the first.
        second.complete(null);
        CompletableFuture.runAsync(() -> first.complete(null), LATER);
        assertThat(inFlight.sent(Map.of(P0, 20L), List.of(second), ack("second"))).isEmpty();
        assertThat(acknowledged).containsExactly("first", "second");
    }

    @Test
    void aPollWithoutSendsIsAcknowledgedAtOnce() {
        assertThat(inFlight.sent(Map.of(P0, 10L), List.of(), ack("first"))).isEmpty();
        assertThat(acknowledged).containsExactly("first");
    }

    @Test
    void aFailedSendIsDeliveredAgainFromItsPollAndNothingAfterItIsAcknowledged() {
        CompletableFuture<Void> failed = new CompletableFuture<>();
        inFlight.sent(Map.of(P0, 10L, P1, 5L), List.of(CompletableFuture.completedFuture(null), failed),
                      ack("first"));
        failed.completeExceptionally(new IllegalStateException("not acknowledged"));

        Map<TopicPartition, Long> back = inFlight.sent(Map.of(P0, 20L), List.of(), ack("second"));
        assertThat(back).isEqualTo(Map.of(P0, 10L, P1, 5L));
        assertThat(acknowledged).as("no offset past the failed poll").isEmpty();

        // Delivered again: a fresh chain, acknowledged as usual.
        assertThat(inFlight.sent(Map.of(P0, 10L, P1, 5L), List.of(), ack("again"))).isEmpty();
        assertThat(acknowledged).containsExactly("again");
    }

    @Test
    void sendsNotAcknowledgedInTimeAreDeliveredAgainTooAndAPartitionOnlyTheLaterPollHadFromItsOwnStart() {
        inFlight.sent(Map.of(P0, 10L), List.of(new CompletableFuture<>()), ack("first"));
        Map<TopicPartition, Long> back = inFlight.sent(Map.of(P0, 20L, P1, 7L), List.of(), ack("second"));
        assertThat(back).isEqualTo(Map.of(P0, 10L, P1, 7L));
        assertThat(acknowledged).isEmpty();
    }

    @Test
    void beforeAHandOverTheLastPollIsAwaited() {
        CompletableFuture<Void> send = new CompletableFuture<>();
        inFlight.sent(Map.of(P0, 10L), List.of(send), ack("last"));
        CompletableFuture.runAsync(() -> send.complete(null), LATER);
        assertThat(inFlight.awaitLast()).isEmpty();
        assertThat(acknowledged).containsExactly("last");

        inFlight.sent(Map.of(P0, 11L, P1, 4L), List.of(CompletableFuture.failedFuture(new IllegalStateException())),
                      ack("failed"));
        assertThat(inFlight.awaitLast()).as("where the partitions kept are sought back to")
                                        .isEqualTo(Map.of(P0, 11L, P1, 4L));
        assertThat(inFlight.awaitLast()).as("forgotten after a hand-over").isEmpty();
        assertThat(acknowledged).containsExactly("last");
    }

    @Test
    void withNoPollAfterItAFailedPollIsNoticedWhileIdleAndOneStillInFlightOnlyOnceItsTimeIsUp() {
        long[] now = {0};
        InFlightResults clocked = new InFlightResults(Duration.ofSeconds(30), () -> now[0]);
        CompletableFuture<Void> send = new CompletableFuture<>();
        clocked.sent(Map.of(P0, 10L), List.of(send), ack("first"));
        assertThat(clocked.failedWhileIdle()).as("still in flight").isEmpty();
        send.completeExceptionally(new IllegalStateException("refused"));
        assertThat(clocked.failedWhileIdle()).isEqualTo(Map.of(P0, 10L));
        assertThat(clocked.failedWhileIdle()).as("forgotten once sought back").isEmpty();

        clocked.sent(Map.of(P0, 10L), List.of(new CompletableFuture<>()), ack("again"));
        now[0] += Duration.ofSeconds(29).toNanos();
        assertThat(clocked.failedWhileIdle()).isEmpty();
        now[0] += Duration.ofSeconds(2).toNanos();
        assertThat(clocked.failedWhileIdle()).as("not acknowledged within 30 s").isEqualTo(Map.of(P0, 10L));
        assertThat(acknowledged).isEmpty();
    }

    @Test
    void thePauseBeforeDeliveringAgainGrowsUntilAPollItWaitedForIsAcknowledged() {
        assertThat(inFlight.pauseMillis()).isZero();
        long[] pauses = new long[8];
        for (int i = 0; i < pauses.length; i++) {
            inFlight.sent(Map.of(P0, 10L), List.of(CompletableFuture.failedFuture(new IllegalStateException())),
                          ack("failing"));
            // The poll after it finds it failed.
            assertThat(inFlight.sent(Map.of(P0, 10L), List.of(), ack("redelivered"))).isNotEmpty();
            pauses[i] = inFlight.pauseMillis();
        }
        assertThat(pauses).containsExactly(200, 400, 800, 1_600, 3_200, 6_400, 10_000, 10_000);

        inFlight.sent(Map.of(P0, 10L), List.of(), ack("taken"));
        assertThat(inFlight.pauseMillis()).as("no poll waited for yet").isEqualTo(10_000);
        inFlight.sent(Map.of(P0, 11L), List.of(), ack("next"));
        assertThat(inFlight.pauseMillis()).isZero();
    }

    @Test
    void eachConsumerThreadHasItsOwnChain() throws Exception {
        inFlight.sent(Map.of(P0, 10L), List.of(new CompletableFuture<>()), ack("stuck on this thread"));
        CompletableFuture<Map<TopicPartition, Long>> other = CompletableFuture.supplyAsync(
                () -> inFlight.sent(Map.of(P1, 3L), List.of(), ack("other thread")));
        assertThat(other.get()).isEmpty();
        assertThat(acknowledged).containsExactly("other thread");
    }
}
