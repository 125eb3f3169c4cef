package io.accountlifecycle.service.batch;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class DeletionBatchConfiguration {

    /**
     * A batch's requests roll back as a whole and are retried, never half-applied and logged; so is a legal hold's
     * coverage ({@code LegalHoldCoverage}, in the same processor): an account left uncovered is not an option.
     */
    @Bean
    ConfigurerModule deletionBatchExecutorErrorsAreRetried() {
        return configurer -> configurer.eventProcessing()
                                       .registerListenerInvocationErrorHandler(
                                               DeletionBatchExecutor.PROCESSING_GROUP,
                                               c -> PropagatingErrorHandler.instance());
    }
}
