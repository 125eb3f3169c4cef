package io.accountlifecycle.service.eventstore;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The store cuts its shared cache's chain behind the oldest cached event (so events die young once they leave the
 * cache), and a stream left behind on a cut event still reads every event, in order, once.
 */
class WakeableEventStoreTest {

    private static final int CACHED = 100;

    private final WakeableEventStore store = new WakeableEventStore(
            EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine()).cachedEvents(CACHED)
                              .fetchDelay(1_000),
            1_000);

    @AfterEach
    void shutDown() {
        store.shutDown();
    }

    @Test
    void cutsTheChainBehindTheOldestCachedEventAndAStreamLeftOnACutEventReadsOnFromTheStore()
            throws InterruptedException {
        assertThat(WakeableEventStore.cutsTheCache()).as("Axon's cache fields found").isTrue();
        try (TrackingEventStream behind = store.openStream(null);
             TrackingEventStream leading = store.openStream(null)) {
            leading.setOnAvailableCallback(() -> { });
            List<Object> read = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                store.publish(event(i));
            }
            read(behind, 5, read);
            read(leading, 5, new ArrayList<>());

            int total = 5 + CACHED + WakeableEventStore.CUT_BEHIND + 100;
            for (int i = 5; i < total; i++) {
                store.publish(event(i));
                // the leading stream keeps up, as processors do, so the cache moves on
                read(leading, 1, new ArrayList<>());
            }
            await().atMost(Duration.ofSeconds(10))
                   .until(() -> store.uncutFrom() >= total - 1 - CACHED - WakeableEventStore.CUT_BEHIND);

            read(behind, total - 5, read);
            assertThat(read).containsExactlyElementsOf(expected(total));
            assertThat(behind.hasNextAvailable(100, TimeUnit.MILLISECONDS)).isFalse();
        }
    }

    private static void read(TrackingEventStream stream, int count, List<Object> into) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            assertThat(stream.hasNextAvailable(5, TimeUnit.SECONDS)).as("event %d of %d", i + 1, count).isTrue();
            into.add(stream.nextAvailable().getPayload());
        }
    }

    private static EventMessage<String> event(int i) {
        return GenericEventMessage.asEventMessage("event-" + i);
    }

    private static List<Object> expected(int total) {
        List<Object> payloads = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            payloads.add("event-" + i);
        }
        return payloads;
    }
}
