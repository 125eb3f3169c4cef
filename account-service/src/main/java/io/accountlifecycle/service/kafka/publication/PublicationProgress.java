package io.accountlifecycle.service.kafka.publication;

import io.accountlifecycle.projections.support.TokenPositions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * How far publication is behind the event store: {@code account.events.publication.lag} is the number of events
 * stored beyond the lowest position any publisher segment reached, on whichever instance, read from the token store —
 * every instance reports the same figure, whether it publishes or not.
 */
@Component
class PublicationProgress {

    PublicationProgress(MeterRegistry registry, TokenPositions positions) {
        Gauge.builder("account.events.publication.lag", () -> positions.lag(AccountEventPublisher.PROCESSING_GROUP))
             .description("Events stored but not yet published to account.events")
             .baseUnit("events")
             .register(registry);
    }
}
