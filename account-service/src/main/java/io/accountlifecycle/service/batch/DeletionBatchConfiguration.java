package io.accountlifecycle.service.batch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties(DeletionBatchSettings.class)
class DeletionBatchConfiguration {

    /**
     * The breaker for alerting: {@code account_deletion_breaker_open} (1 open) and
     * {@code account_deletion_quarantines_last_minute} against {@code account_deletion_breaker_limit}, read from the
     * event store at each scrape, so every instance reports the same.
     */
    @Bean
    MeterBinder deletionBreakerMetrics(DeletionBreakerGuard breaker) {
        return registry -> {
            Gauge.builder("account.deletion.breaker.open", () -> breaker.state().open() ? 1 : 0)
                 .description("1 while the deletion breaker is open").register(registry);
            Gauge.builder("account.deletion.quarantines.last.minute", () -> breaker.state().quarantinesLastMinute())
                 .description("Accounts quarantined in the last minute").register(registry);
            Gauge.builder("account.deletion.breaker.limit", () -> breaker.state().limit())
                 .description("Quarantines per minute above which the breaker trips").register(registry);
        };
    }

    /** A batch's requests roll back as a whole and are retried, never half-applied and logged. */
    @Bean
    ConfigurerModule deletionBatchExecutorErrorsAreRetried() {
        return configurer -> configurer.eventProcessing()
                                       .registerListenerInvocationErrorHandler(
                                               DeletionBatchExecutor.PROCESSING_GROUP,
                                               c -> PropagatingErrorHandler.instance());
    }
}
