package io.accountlifecycle.service.kafka.publication;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far publication is behind the event store: {@code account.events.publication.lag} is the number of global
 * indexes stored but not yet handed to the broker by this instance.
 */
@Component
public class PublicationProgress {

    private final AtomicLong lastPublished = new AtomicLong(0);

    public PublicationProgress(MeterRegistry registry, JdbcTemplate jdbc) {
        Gauge.builder("account.events.publication.lag", () -> {
                 Long head = jdbc.queryForObject("select coalesce(max(global_index), 0) from domain_event_entry",
                                                 Long.class);
                 return Math.max(0, (head == null ? 0 : head) - lastPublished.get());
             })
             .description("Events stored but not yet published to account.events")
             .baseUnit("events")
             .register(registry);
    }

    void published(long globalIndex) {
        lastPublished.accumulateAndGet(globalIndex, Math::max);
    }
}
