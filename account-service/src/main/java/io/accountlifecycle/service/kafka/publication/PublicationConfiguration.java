package io.accountlifecycle.service.kafka.publication;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PublicationConfiguration {

    /**
     * Axon's default handler error policy logs and moves on, which for publication would mean an event never reaches
     * the topic. Propagating makes the processor back off and retry the batch from its last token instead.
     */
    @Bean
    ConfigurerModule publicationErrorsAreRetried() {
        return configurer -> configurer.eventProcessing()
                                       .registerListenerInvocationErrorHandler(
                                               AccountEventPublisher.PROCESSING_GROUP,
                                               c -> PropagatingErrorHandler.instance());
    }
}
