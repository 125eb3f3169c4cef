package io.accountlifecycle.service.eventstore;

import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Axon's embedded event store, with streams that call their processor back when events arrive.
 * <p>
 * Axon's pooled processor asks its stream for such a callback; the embedded store's streams have none, so an idle
 * processor looks again every 500 ms, and the store's shared reader (the producer) polls the table every
 * {@code fetch-delay}. Here {@link #wake()} (from {@link EventCommitSignal}: a commit on this instance or a
 * notification from another) makes the producer read at once; a watcher that follows the head of the producer's cache
 * sees the new events arrive and only then calls every stream's callback, so a processor woken finds the events
 * already there (calling back on the signal itself would race the producer, and a processor that looked too early
 * would wait out its fallback). Idle, the producer reads every {@code fetch-delay} (the fallback) and a processor's
 * coordinator every 5 s (Axon's claim interval): the table is no longer polled ten times a second.
 * <p>
 * What each processor reads is still decided by its own token and the engine's gap handling (ADR 3): a wake-up only
 * says when to look.
 * <p>
 * The watcher also cuts the shared cache's chain behind its oldest event. Axon's cache is a linked list it only
 * trims; an event that was once promoted to the old generation (a quiet moment, when the cache holds the same events
 * for many collections) keeps every later event alive through its {@code next} link, so under load every event stored
 * lived through four young collections, copied each time, and was then promoted, whatever the cache's size: most of
 * what a pause copied (ADR 14, tenth session). Cut, an event dies young once it leaves the cache. A stream still on
 * a cut event finds no next one; its next look sees it is behind the cache and reads on from the store, as Axon does
 * for any stream that fell behind, and the watcher calls it back after cutting so that this look comes.
 */
public class WakeableEventStore extends EmbeddedEventStore {

    private static final Logger log = LoggerFactory.getLogger(WakeableEventStore.class);
    /**
     * How many events behind the oldest cached one the chain is cut. A stream on an event behind the oldest one reads
     * on from the table at its next look anyway (Axon); the margin spares a look already under way.
     */
    static final int CUT_BEHIND = 100;
    /** Axon's private fields the cut needs: the cache's oldest node, a node's successor and position; or null. */
    private static final VarHandle OLDEST;
    private static final VarHandle NEXT;
    private static final VarHandle INDEX;

    static {
        VarHandle oldest = null;
        VarHandle next = null;
        VarHandle index = null;
        try {
            Class<?> node = Class.forName(EmbeddedEventStore.class.getName() + "$Node");
            MethodHandles.Lookup store = MethodHandles.privateLookupIn(EmbeddedEventStore.class, MethodHandles.lookup());
            MethodHandles.Lookup nodes = MethodHandles.privateLookupIn(node, MethodHandles.lookup());
            oldest = store.findVarHandle(EmbeddedEventStore.class, "oldest", node);
            next = nodes.findVarHandle(node, "next", node);
            index = nodes.findVarHandle(node, "index", long.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Axon's event cache is not as this store knows it; its chain is not cut (events live longer "
                     + "in memory, correctness is unaffected): {}", e.toString());
            oldest = null;
        }
        OLDEST = oldest;
        NEXT = next;
        INDEX = index;
    }

    private final Set<Runnable> callbacks = ConcurrentHashMap.newKeySet();
    private final long fallbackMillis;
    private volatile boolean running = true;
    private Thread watcher;
    /** The first event whose link the watcher has not cut yet (written by the watcher's thread only). */
    private volatile Object uncut;

    /**
     * @param fallbackMillis how long the watcher waits for new events before it looks again; the producer's
     *                       {@code fetchDelay} in {@code builder} is the polling fallback
     */
    public WakeableEventStore(Builder builder, long fallbackMillis) {
        super(builder);
        this.fallbackMillis = fallbackMillis;
    }

    /** Events were committed: read them now. */
    public void wake() {
        afterCommit(List.of());
    }

    @Override
    public TrackingEventStream openStream(TrackingToken trackingToken) {
        return new CallingBackStream(super.openStream(trackingToken));
    }

    @Override
    public void shutDown() {
        running = false;
        Thread thread;
        synchronized (this) {
            thread = watcher;
        }
        if (thread != null) {
            thread.interrupt();
        }
        super.shutDown();
    }

    private synchronized void ensureWatching() {
        if (watcher == null && running) {
            watcher = new Thread(this::watch, "event-store-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }
    }

    /** Follows the head of the shared cache; each time events arrive there, calls every stream back once. */
    private void watch() {
        while (running) {
            try (TrackingEventStream head = super.openStream(createHeadToken())) {
                while (running) {
                    if (head.hasNextAvailable((int) fallbackMillis, TimeUnit.MILLISECONDS)) {
                        while (head.hasNextAvailable()) {
                            head.nextAvailable();
                        }
                        cutBehindOldest();
                        callbacks.forEach(Runnable::run);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                // Processors still look on their own every few seconds; the watcher starts again from the head.
                log.warn("The event store's watcher failed; starting it again: {}", e.toString());
                callbacks.forEach(Runnable::run);
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Whether this store cuts the cache's chain behind its oldest event (Axon's fields were found). */
    static boolean cutsTheCache() {
        return OLDEST != null;
    }

    /** The position in the cache of its oldest event, or -1 while it is empty (tests). */
    long oldestCachedIndex() {
        Object oldest = OLDEST.getVolatile((EmbeddedEventStore) this);
        return oldest == null ? -1 : (long) INDEX.get(oldest);
    }

    /** The position in the cache of the first event whose link is not cut yet, or -1 before the first cut (tests). */
    long uncutFrom() {
        Object node = uncut;
        return node == null ? -1 : (long) INDEX.get(node);
    }

    /** Unlinks every event more than {@link #CUT_BEHIND} behind the cache's oldest one from its successor. */
    private void cutBehindOldest() {
        if (OLDEST == null) {
            return;
        }
        Object oldest = OLDEST.getVolatile((EmbeddedEventStore) this);
        if (oldest == null) {
            return;
        }
        Object node = uncut == null ? oldest : uncut;
        long limit = (long) INDEX.get(oldest) - CUT_BEHIND;
        while (node != null && (long) INDEX.get(node) < limit) {
            Object next = NEXT.getVolatile(node);
            NEXT.setVolatile(node, (Object) null);
            node = next;
        }
        uncut = node;
    }

    /** A stream of the embedded store that also supports Axon's availability callback. */
    private final class CallingBackStream implements TrackingEventStream {

        private final TrackingEventStream delegate;
        private Runnable callback;

        private CallingBackStream(TrackingEventStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return delegate.peek();
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            return delegate.hasNextAvailable(timeout, unit);
        }

        @Override
        public boolean hasNextAvailable() {
            return delegate.hasNextAvailable();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            return delegate.nextAvailable();
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            delegate.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }

        @Override
        public synchronized boolean setOnAvailableCallback(Runnable callback) {
            if (this.callback != null) {
                callbacks.remove(this.callback);
            }
            this.callback = callback;
            callbacks.add(callback);
            ensureWatching();
            return true;
        }

        @Override
        public synchronized void close() {
            if (callback != null) {
                callbacks.remove(callback);
                callback = null;
            }
            delegate.close();
        }
    }
}
