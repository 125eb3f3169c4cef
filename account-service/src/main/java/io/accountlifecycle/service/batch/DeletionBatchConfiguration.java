package io.accountlifecycle.service.batch;

import io.accountlifecycle.service.hold.LegalHoldCoverage;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class DeletionBatchConfiguration {

    /** A batch's requests roll back as a whole and are retried, never half-applied and logged. */
    @Bean
    ConfigurerModule deletionBatchExecutorErrorsAreRetried() {
        return configurer -> configurer.eventProcessing()
                                       .registerListenerInvocationErrorHandler(
                                               DeletionBatchExecutor.PROCESSING_GROUP,
                                               c -> PropagatingErrorHandler.instance());
    }

    /** A hold's coverage, too: an account left uncovered because one command failed is not an option. */
    @Bean
    ConfigurerModule legalHoldCoverageErrorsAreRetried() {
        return configurer -> configurer.eventProcessing()
                                       .registerListenerInvocationErrorHandler(
                                               LegalHoldCoverage.PROCESSING_GROUP,
                                               c -> PropagatingErrorHandler.instance());
    }
}
