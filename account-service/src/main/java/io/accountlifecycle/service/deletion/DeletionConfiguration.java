package io.accountlifecycle.service.deletion;

import io.accountlifecycle.service.account.ErasureSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties({DeletionSettings.class, ErasureSettings.class})
class DeletionConfiguration {

    /**
     * The breaker for alerting: {@code account_deletion_breaker_open} (1 open),
     * {@code account_deletion_requests_last_minute} against {@code account_deletion_breaker_limit}, and
     * {@code account_deletion_quarantines_last_minute}, read from the event store at each scrape, so every instance
     * reports the same.
     */
    @Bean
    MeterBinder deletionBreakerMetrics(DeletionBreakerGuard breaker) {
        return registry -> {
            Gauge.builder("account.deletion.breaker.open", () -> breaker.state().open() ? 1 : 0)
                 .description("1 while the deletion breaker is open").register(registry);
            Gauge.builder("account.deletion.requests.last.minute", () -> breaker.state().requestsLastMinute())
                 .description("Deletion requests (accepted or waiting for approval) in the last minute")
                 .register(registry);
            Gauge.builder("account.deletion.quarantines.last.minute", () -> breaker.state().quarantinesLastMinute())
                 .description("Accounts quarantined in the last minute").register(registry);
            Gauge.builder("account.deletion.breaker.limit", () -> breaker.state().limit())
                 .description("Deletion requests per minute above which the breaker trips").register(registry);
        };
    }
}
