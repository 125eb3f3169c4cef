package io.accountlifecycle.service.schema;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Flyway's migration at start-up only where the owner's credentials are ({@link OwnerCredentials}). Without them
 * Flyway would migrate as {@code account_app}, which may create nothing, and fail the start: such a service leaves
 * the migrations to {@code migrate}, and its {@link SchemaGate} has already waited until they ran.
 */
@Configuration(proxyBeanMethods = false)
class SchemaMigrationConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrationConfiguration.class);

    @Bean
    FlywayMigrationStrategy migrateOnlyAsOwner(Environment environment) {
        if (OwnerCredentials.configured(environment)) {
            return Flyway::migrate;
        }
        return flyway -> log.info("No database owner credentials (spring.flyway.user): migrations are left to "
                                  + "`migrate`, the migration Job");
    }
}
