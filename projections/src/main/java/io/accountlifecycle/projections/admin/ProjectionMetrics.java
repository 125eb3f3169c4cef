package io.accountlifecycle.projections.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Per projection, read on every scrape: {@code account.projection.lag} (events stored beyond the lowest position its
 * segments reached; a lag that grows is a stalled processor), {@code account.projection.replaying} and
 * {@code account.projection.dead.letters} (parked events). Axon's own per-message metrics are off: they cost more
 * than the work they measure.
 */
public final class ProjectionMetrics {

    private ProjectionMetrics() {
    }

    public static void register(MeterRegistry registry, ProjectionAdmin admin, JdbcTemplate jdbc) {
        for (String name : admin.names()) {
            Tags tags = Tags.of("projection", name);
            Gauge.builder("account.projection.lag", () -> {
                     Long head = jdbc.queryForObject("select coalesce(max(global_index), 0) from domain_event_entry",
                                                     Long.class);
                     Long position = admin.status(name).position();
                     return Math.max(0, (head == null ? 0 : head) - (position == null ? 0 : position));
                 })
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
