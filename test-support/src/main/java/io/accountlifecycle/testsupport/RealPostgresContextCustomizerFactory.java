package io.accountlifecycle.testsupport;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

import java.util.List;
import java.util.Map;

/**
 * Points the Spring context of a {@link RealPostgres} test at the shared server. Properties are added before bean
 * definitions are read, so configuration conditions (such as the service's embedded default) see them.
 */
public class RealPostgresContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
                                                     List<ContextConfigurationAttributes> configAttributes) {
        RealPostgres annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass, RealPostgres.class);
        return annotation == null ? null : new Customizer(annotation.database(), annotation.owner());
    }

    private record Customizer(String database, String owner) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            context.getEnvironment().getPropertySources().addFirst(
                    new MapPropertySource("realPostgres", datasourceProperties(database, owner)));
        }
    }

    /** {@code spring.datasource.*} for {@code database} as {@code owner}, creating both if missing. */
    public static Map<String, Object> datasourceProperties(String database, String owner) {
        PostgresServer server = TestInfrastructure.postgres();
        server.ensureDatabase(database, owner);
        return Map.of("spring.datasource.url", server.jdbcUrl(database),
                      "spring.datasource.username", owner,
                      "spring.datasource.password", owner);
    }
}
