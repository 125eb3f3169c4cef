package io.accountlifecycle.service.eventstore;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The store cuts its shared cache's chain behind the oldest cached event, so that events left behind are garbage even
 * while something still holds an earlier one (as a promoted event did), and a stream left behind on a cut event still
 * reads every later event, in order, once.
 */
class WakeableEventStoreTest {

    private static final int CACHED = 100;

    /**
     * Reads are snapshots, as the PostgreSQL engine's are (a stream that read them all moves on to the cache), of
     * messages of their own, as the PostgreSQL engine's are (what the cache holds, only the cache and its streams do).
     */
    private final InMemoryEventStorageEngine storage = new InMemoryEventStorageEngine() {
        @Override
        public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken token, boolean mayBlock) {
            return super.readEvents(token, mayBlock)
                        .map(event -> new GenericTrackedEventMessage<>(event.trackingToken(), event))
                        .toList().stream();
        }
    };
    private final WakeableEventStore store = new WakeableEventStore(
            EmbeddedEventStore.builder().storageEngine(storage).cachedEvents(CACHED).fetchDelay(1_000)
                              // Axon's own clean-up of streams behind the cache would release them too: not here
                              .cleanupDelay(600_000),
            1_000);

    @AfterEach
    void shutDown() {
        store.shutDown();
    }

    @Test
    void cutsTheChainBehindTheOldestCachedEventAndAStreamLeftOnACutEventReadsOnFromTheStore()
            throws InterruptedException {
        assertThat(WakeableEventStore.cutsTheCache()).as("Axon's cache fields found").isTrue();
        try (TrackingEventStream leading = store.openStream(null)) {
            leading.setOnAvailableCallback(() -> { });
            publish(0, 5);
            List<TrackedEventMessage<?>> led = read(leading, 5); // from the table; then it follows the cache
            publish(5, 10);
            led.addAll(read(leading, 5));
            // Events 5 to 9 reached the leading stream through the cache (its first read of the table took 0 to 4),
            // so a stream opened at event-6 follows the cache from there: from its node, whose position in the
            // cache is 6 at most (the cache began at event-0 or later).
            try (TrackingEventStream behind = store.openStream(led.get(6).trackingToken())) {

                int total = 10 + CACHED + WakeableEventStore.CUT_BEHIND + 100;
                List<WeakReference<Object>> cached = new ArrayList<>();
                for (int i = 10; i < total; i++) {
                    publish(i, i + 1);
                    // the leading stream keeps up, as processors do, so the cache moves on
                    TrackedEventMessage<?> event = read(leading, 1).get(0);
                    if (i >= 20 && i < 100) {
                        cached.add(new WeakReference<>(event));
                    }
                }
                // The watcher cuts once it has read the newest event, and Axon trims the cache just after it announced
                // that event: the last cut may be one event short of the last trim.
                await().atMost(Duration.ofSeconds(10)).until(
                        () -> store.uncutFrom() >= store.oldestCachedIndex() - WakeableEventStore.CUT_BEHIND - 1
                              && store.uncutFrom() > 100);
                // The stream behind still holds event-6's node; cut, it no longer keeps the events after it alive.
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    System.gc();
                    return cached.stream().allMatch(event -> event.get() == null);
                });

                List<Object> rest = new ArrayList<>();
                read(behind, total - 7).forEach(event -> rest.add(event.getPayload()));
                assertThat(rest).containsExactlyElementsOf(payloads(7, total));
                assertThat(behind.hasNextAvailable(100, TimeUnit.MILLISECONDS)).isFalse();
            }
        }
    }

    private void publish(int from, int to) {
        for (int i = from; i < to; i++) {
            store.publish(event(i));
        }
    }

    private static List<TrackedEventMessage<?>> read(TrackingEventStream stream, int count)
            throws InterruptedException {
        List<TrackedEventMessage<?>> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // looks without waiting, every millisecond: Axon's wait for the cache can miss the signal it waits for
            // (it checks before it locks), which costs a processor one look, not an event
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                   .until(stream::hasNextAvailable);
            events.add(stream.nextAvailable());
        }
        return events;
    }

    private static EventMessage<String> event(int i) {
        return GenericEventMessage.asEventMessage("event-" + i);
    }

    private static List<Object> payloads(int from, int to) {
        List<Object> payloads = new ArrayList<>();
        for (int i = from; i < to; i++) {
            payloads.add("event-" + i);
        }
        return payloads;
    }
}
