package io.accountlifecycle.purge.pause;

import io.accountlifecycle.api.PurgesPausedEvent;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;

/**
 * Reads the pause from the purge control's own events, so every instance sees the same answer, across restarts and
 * restores; never from memory.
 */
public class EventSourcedPurgePause implements PurgePause {

    private final EventStore eventStore;

    public EventSourcedPurgePause(EventStore eventStore) {
        this.eventStore = eventStore;
    }

    @Override
    public boolean isPaused() {
        var events = eventStore.readEvents(PurgesPausedEvent.PURGE_CONTROL_ID);
        DomainEventMessage<?> last = null;
        while (events.hasNext()) {
            last = events.next();
        }
        return last != null && last.getPayload() instanceof PurgesPausedEvent;
    }
}
