package io.accountlifecycle.projections.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.accountlifecycle.projections.support.TokenPositions;

/**
 * Per projection, read on every scrape: {@code account.projection.lag} (events stored beyond the lowest position its
 * segments reached on any instance, from the token store, so every instance reports the same; a lag that grows is a
 * stalled processor), {@code account.projection.replaying} and
 * {@code account.projection.dead.letters} (parked events). Axon's own per-message metrics are off: they cost more
 * than the work they measure.
 */
public final class ProjectionMetrics {

    private ProjectionMetrics() {
    }

    public static void register(MeterRegistry registry, ProjectionAdmin admin, TokenPositions positions) {
        for (String name : admin.names()) {
            Tags tags = Tags.of("projection", name);
            Gauge.builder("account.projection.lag", () -> positions.lag(name))
                 .tags(tags).baseUnit("events")
                 .description("Events stored but not yet applied by the projection")
                 .register(registry);
            Gauge.builder("account.projection.replaying", () -> admin.status(name).replaying() ? 1 : 0)
                 .tags(tags).description("1 while the projection rebuilds from the first event")
                 .register(registry);
            Gauge.builder("account.projection.dead.letters", () -> admin.status(name).deadLetters())
                 .tags(tags).baseUnit("events").description("Events parked in the projection's dead-letter queue")
                 .register(registry);
        }
    }
}
