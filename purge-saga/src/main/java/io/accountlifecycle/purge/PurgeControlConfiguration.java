package io.accountlifecycle.purge;

import io.accountlifecycle.purge.pause.EventSourcedPurgePause;
import io.accountlifecycle.purge.pause.PurgeControl;
import io.accountlifecycle.purge.pause.PurgePause;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The purge switch, on every instance whatever its roles: an admin pauses purges through whichever instance serves
 * the HTTP API, while the saga that honours the pause may run elsewhere. The switch is an aggregate, so every
 * instance reads the same state from the event store.
 */
@AutoConfiguration
@Import(PurgeControl.class)
public class PurgeControlConfiguration {

    @Bean
    PurgePause purgePause(EventStore eventStore) {
        return new EventSourcedPurgePause(eventStore);
    }
}
