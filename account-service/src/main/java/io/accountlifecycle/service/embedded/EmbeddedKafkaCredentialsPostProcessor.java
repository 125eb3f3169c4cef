package io.accountlifecycle.service.embedded;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.nio.file.Path;
import java.util.Map;

/**
 * On the embedded default every Kafka client of the service (producers, consumers, the admin client, the restore's
 * readers) authenticates to the broker as {@value KafkaCredentials#SERVICE_USER} with SCRAM: set once here, as
 * {@code spring.kafka.*} properties, before any client is configured. Nothing is added when a cluster is configured
 * ({@code spring.kafka.bootstrap-servers}): its credentials come from configuration.
 */
public class EmbeddedKafkaCredentialsPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY_SOURCE = "embeddedKafkaCredentials";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty("spring.kafka.bootstrap-servers")
            || !environment.getProperty("account.embedded.enabled", Boolean.class, true)) {
            return;
        }
        Path keys = keysFolder(environment);
        String password = KafkaCredentials.password(keys, KafkaCredentials.SERVICE_USER);
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, Map.of(
                "spring.kafka.security.protocol", "SASL_PLAINTEXT",
                "spring.kafka.properties.sasl.mechanism", KafkaCredentials.MECHANISM,
                "spring.kafka.properties.sasl.jaas.config",
                KafkaCredentials.scramJaas(KafkaCredentials.SERVICE_USER, password))));
    }

    static Path keysFolder(ConfigurableEnvironment environment) {
        String configured = environment.getProperty("account.embedded.kafka.keys-directory");
        if (configured != null) {
            return Path.of(configured);
        }
        return Path.of(environment.getProperty("account.data-dir", "data"), "keys");
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after application.yml and the command line are known
    }
}
