package io.accountlifecycle.service.schema;

import io.accountlifecycle.service.embedded.EmbeddedPostgresConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * What {@code migrate} starts: the data source and Flyway exactly as the service configures them (every module's
 * locations, the placeholders, the owner's credentials), and the embedded database when no other is configured.
 * Nothing else: the migration Job needs neither the broker, the master key nor the token issuer. Not a
 * {@code @Configuration}, so the service's own component scan leaves it out.
 */
@ImportAutoConfiguration({DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
@Import(EmbeddedPostgresConfiguration.class)
class SchemaContext {

    /** Nothing at start-up: {@link MigrateCommand} migrates itself, to report what it applied. */
    @Bean
    FlywayMigrationStrategy migrateOnCommand() {
        return flyway -> {
        };
    }
}
