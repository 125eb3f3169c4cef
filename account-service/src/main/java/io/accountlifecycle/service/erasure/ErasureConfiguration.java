package io.accountlifecycle.service.erasure;

import io.accountlifecycle.projections.holds.LegalHoldQueries;
import io.accountlifecycle.service.account.ErasureSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

@Configuration
class ErasureConfiguration {

    /** One query serves the three gauges of a scrape (they are read within a second of each other). */
    private static final Duration FRESH = Duration.ofSeconds(5);

    /**
     * For the {@code AccountErasureDeadlineNear} alert: {@code account_erasure_requests_near_deadline} (open erasure
     * requests within {@code account.erasure.alert-margin} of their deadline, or past it, that no legal hold blocks),
     * {@code account_erasure_requests_overdue} (past it) and {@code account_erasure_requests_blocked_by_hold}. Read
     * from the account summary, so every instance reports the same.
     */
    @Bean
    MeterBinder erasureMetrics(LegalHoldQueries queries, ErasureSettings settings, Clock clock) {
        AtomicReference<Instant> readAt = new AtomicReference<>(Instant.MIN);
        AtomicReference<LegalHoldQueries.ErasureAlerts> last = new AtomicReference<>();
        java.util.function.Supplier<LegalHoldQueries.ErasureAlerts> alerts = () -> {
            Instant now = clock.instant();
            synchronized (last) {
                if (last.get() == null || readAt.get().plus(FRESH).isBefore(now)) {
                    last.set(queries.erasureAlerts(settings.alertMargin()));
                    readAt.set(now);
                }
                return last.get();
            }
        };
        return registry -> {
            Gauge.builder("account.erasure.requests.near.deadline", () -> alerts.get().nearDeadline())
                 .description("Open erasure requests within the alert margin of their deadline (or past it), "
                              + "unpurged and not blocked by a legal hold").register(registry);
            Gauge.builder("account.erasure.requests.overdue", () -> alerts.get().overdue())
                 .description("Open erasure requests past their deadline, unpurged").register(registry);
            Gauge.builder("account.erasure.requests.blocked.by.hold", () -> alerts.get().blockedByLegalHold())
                 .description("Open erasure requests whose purge a legal hold blocks").register(registry);
        };
    }
}
