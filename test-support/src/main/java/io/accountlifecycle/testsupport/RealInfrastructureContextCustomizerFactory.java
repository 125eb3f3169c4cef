package io.accountlifecycle.testsupport;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Points the Spring context of a {@link RealPostgres} / {@link RealKafka} test at the shared servers. Properties are
 * added before bean definitions are read, so configuration conditions (such as the service's embedded default) see
 * them.
 */
public class RealInfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
                                                     List<ContextConfigurationAttributes> configAttributes) {
        RealPostgres postgres = TestContextAnnotationUtils.findMergedAnnotation(testClass, RealPostgres.class);
        boolean kafka = TestContextAnnotationUtils.hasAnnotation(testClass, RealKafka.class);
        if (postgres == null && !kafka) {
            return null;
        }
        return new Customizer(postgres == null ? null : postgres.database(),
                              postgres == null ? null : postgres.owner(), kafka);
    }

    private record Customizer(String database, String owner, boolean kafka) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            Map<String, Object> properties = new HashMap<>();
            if (database != null) {
                properties.putAll(datasourceProperties(database, owner));
            }
            if (kafka) {
                properties.putAll(kafkaProperties());
            }
            context.getEnvironment().getPropertySources()
                   .addFirst(new MapPropertySource("realInfrastructure", properties));
        }
    }

    /** The least-privilege role the service's migrations create and the service runs as; password = name. */
    public static final String APPLICATION_ROLE = "account_app";

    /**
     * {@code spring.datasource.*} for {@code database} as the application role, and {@code spring.flyway.*} as
     * {@code owner}, creating the database and owner if missing: tests run with the production roles, not as a
     * superuser. An external database with no external issuer takes the word that the local signing key is meant
     * ({@code account.security.local-issuer.enabled}): tests mint their tokens with it.
     */
    public static Map<String, Object> datasourceProperties(String database, String owner) {
        PostgresServer server = TestInfrastructure.postgres();
        server.ensureDatabase(database, owner);
        return Map.of("spring.datasource.url", server.jdbcUrl(database),
                      "spring.datasource.username", APPLICATION_ROLE,
                      "spring.datasource.password", APPLICATION_ROLE,
                      "spring.flyway.user", owner,
                      "spring.flyway.password", owner,
                      "account.db.app-password", APPLICATION_ROLE,
                      "account.security.local-issuer.enabled", "true");
    }

    /** {@code spring.kafka.bootstrap-servers} of the shared broker. */
    public static Map<String, Object> kafkaProperties() {
        return Map.of("spring.kafka.bootstrap-servers", TestInfrastructure.kafka().bootstrapServers());
    }

    /** Both as command-line arguments, for tests that start the application themselves. */
    public static String[] asArguments(Map<String, Object> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                         .toArray(String[]::new);
    }
}
