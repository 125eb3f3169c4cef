package io.accountlifecycle.service.embedded;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

import java.nio.file.Path;
import java.util.Map;

/**
 * On the embedded default every Kafka client of the service (producers, consumers, the admin client, the health
 * check, the restore's readers) logs in to the broker as {@value KafkaCredentials#SERVICE_USER} with SCRAM: set once
 * as {@code spring.kafka.*} properties, before any bean binds them. Registered only with the embedded broker
 * ({@link EmbeddedKafkaConfiguration}'s condition), so a configured cluster's settings are never touched; properties
 * given explicitly still win (this source comes last).
 */
class EmbeddedKafkaCredentials implements BeanFactoryPostProcessor, EnvironmentAware {

    static final String PROPERTY_SOURCE = "embeddedKafkaCredentials";

    private ConfigurableEnvironment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = (ConfigurableEnvironment) environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (environment.getPropertySources().contains(PROPERTY_SOURCE)) {
            return;
        }
        String password = KafkaCredentials.password(keysFolder(environment), KafkaCredentials.SERVICE_USER);
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, Map.of(
                "spring.kafka.security.protocol", "SASL_PLAINTEXT",
                "spring.kafka.properties.sasl.mechanism", KafkaCredentials.MECHANISM,
                "spring.kafka.properties.sasl.jaas.config",
                KafkaCredentials.scramJaas(KafkaCredentials.SERVICE_USER, password))));
    }

    private static Path keysFolder(Environment environment) {
        String configured = environment.getProperty("account.embedded.kafka.keys-directory");
        if (configured != null) {
            return Path.of(configured);
        }
        return Path.of(environment.getProperty("account.data-dir", "data"), "keys");
    }
}
