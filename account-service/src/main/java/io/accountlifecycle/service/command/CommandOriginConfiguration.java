package io.accountlifecycle.service.command;

import io.accountlifecycle.api.MetaDataKeys;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How an origin travels from a message to what its handler causes: the events a command applies, and the commands a
 * saga sends while handling an event or a deadline carry the same actor, batch and conversation. Axon's "correlation"
 * key is the parent message's id and its "trace" key the conversation's root: what the event envelope calls
 * {@code causationId} and {@code correlationId}. A correlation id the caller sent is kept as the root.
 */
@Configuration(proxyBeanMethods = false)
public class CommandOriginConfiguration {

    @Bean
    CorrelationDataProvider messageOriginProvider() {
        return new MessageOriginProvider(MetaDataKeys.CAUSATION_ID, MetaDataKeys.CORRELATION_ID);
    }

    @Bean
    CorrelationDataProvider actorProvider() {
        return new SimpleCorrelationDataProvider(MetaDataKeys.ACTOR, MetaDataKeys.BATCH_ID);
    }

    /** Which aggregate a command targets, for every aggregate (Axon looks the component up among the beans). */
    @Bean
    CommandTargetResolver commandTargetResolver() {
        return new CachedCommandTargetResolver();
    }
}
