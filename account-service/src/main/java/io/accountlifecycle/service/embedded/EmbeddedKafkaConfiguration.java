package io.accountlifecycle.service.embedded;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

import java.util.List;

/**
 * The embedded default's broker: with no {@code spring.kafka.bootstrap-servers} the service runs its own KRaft
 * broker and every Kafka client in it connects there. Configure a cluster and nothing is started.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedKafkaConfiguration.NoKafkaConfigured.class)
@EnableConfigurationProperties(EmbeddedKafkaProperties.class)
public class EmbeddedKafkaConfiguration {

    /** Static: it must add the service's credentials before any Kafka bean binds its properties. */
    @Bean
    static EmbeddedKafkaCredentials embeddedKafkaCredentials() {
        return new EmbeddedKafkaCredentials();
    }

    @Bean(destroyMethod = "close")
    EmbeddedKafkaServer embeddedKafkaServer(EmbeddedKafkaProperties properties) {
        return EmbeddedKafkaServer.start(properties);
    }

    @Bean
    KafkaConnectionDetails embeddedKafkaConnectionDetails(EmbeddedKafkaServer server) {
        return () -> List.of(server.bootstrapServers());
    }

    static class NoKafkaConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !context.getEnvironment().containsProperty("spring.kafka.bootstrap-servers")
                   && context.getEnvironment().getProperty("account.embedded.enabled", Boolean.class, true);
        }
    }
}
