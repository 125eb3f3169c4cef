package io.accountlifecycle.service.embedded;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

import java.util.HashMap;
import java.util.Map;

/**
 * The embedded default: with no {@code spring.datasource.url}, the service starts its own PostgreSQL, migrates it as
 * the owner role and runs as {@code account_app}, each with its generated password. Configure a datasource and
 * nothing is started.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDataSourceConfigured.class)
@EnableConfigurationProperties(EmbeddedPostgresProperties.class)
public class EmbeddedPostgresConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedPostgresServer embeddedPostgresServer(EmbeddedPostgresProperties properties) {
        return EmbeddedPostgresServer.start(properties);
    }

    /** The application connects as the least-privilege role the migrations create. */
    @Bean
    JdbcConnectionDetails embeddedPostgresConnectionDetails(EmbeddedPostgresServer server) {
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return EmbeddedPostgresServer.APPLICATION_ROLE;
            }

            @Override
            public String getPassword() {
                return server.applicationPassword();
            }

            @Override
            public String getJdbcUrl() {
                return server.jdbcUrl();
            }
        };
    }

    /** Migrations run as the owner role, created by the embedded server at first start. */
    @Bean
    FlywayConnectionDetails embeddedPostgresFlywayConnectionDetails(EmbeddedPostgresServer server) {
        return new FlywayConnectionDetails() {
            @Override
            public String getUsername() {
                return server.ownerRole();
            }

            @Override
            public String getPassword() {
                return server.ownerPassword();
            }

            @Override
            public String getJdbcUrl() {
                return server.jdbcUrl();
            }
        };
    }

    /** The migrations give {@code account_app} the password the service then connects with. */
    @Bean
    FlywayConfigurationCustomizer embeddedPostgresApplicationPassword(EmbeddedPostgresServer server) {
        return configuration -> {
            Map<String, String> placeholders = new HashMap<>(configuration.getPlaceholders());
            placeholders.put("app_password", server.applicationPassword());
            configuration.placeholders(placeholders);
        };
    }

    static class NoDataSourceConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !context.getEnvironment().containsProperty("spring.datasource.url")
                   && context.getEnvironment().getProperty("account.embedded.enabled", Boolean.class, true);
        }
    }
}
