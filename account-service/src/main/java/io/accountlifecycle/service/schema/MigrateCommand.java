package io.accountlifecycle.service.schema;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar <service jar> migrate [--spring.datasource.url=… --spring.flyway.user=… --spring.flyway.password=…]}:
 * the service's migrations applied as the database owner, and nothing else started ({@link SchemaContext}). The one
 * step that needs the owner, run before a release's pods start (on Kubernetes, the migration Job); the pods connect
 * as {@code account_app} and wait for it ({@link SchemaGate}). Refuses without the owner's credentials.
 * Exit status 0 when the schema is current, 1 when a migration failed, 3 when refused.
 */
public final class MigrateCommand {

    private MigrateCommand() {
    }

    public static boolean handles(String[] args) {
        return args.length > 0 && args[0].equals("migrate");
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String[] options = Arrays.copyOfRange(args, 1, args.length);
        try (ConfigurableApplicationContext context = start(options)) {
            if (!OwnerCredentials.configured(context.getEnvironment())) {
                err.println("Refused: migrations run as the database owner, and no owner credentials are configured. "
                            + "Give them with --spring.flyway.user=… --spring.flyway.password=… (environment "
                            + "SPRING_FLYWAY_USER, SPRING_FLYWAY_PASSWORD).");
                return 3;
            }
            Flyway flyway = context.getBean(Flyway.class);
            MigrationVersion before = SchemaCheck.applied(flyway.info());
            out.println("Schema at version " + (before == null ? "none" : before) + "; migrating as the owner");
            MigrateResult result = flyway.migrate();
            for (MigrateOutput migration : result.migrations) {
                boolean repeatable = migration.version == null || migration.version.isEmpty();
                out.printf("Applied %s %s (%d ms)%n", repeatable ? "repeatable" : migration.version,
                           migration.description, migration.executionTime);
            }
            out.printf("Schema at version %s: %d migration(s) applied%n", SchemaCheck.applied(flyway.info()),
                       result.migrationsExecuted);
            return 0;
        } catch (RuntimeException e) {
            err.println("Migration failed: " + e.getMessage());
            return 1;
        }
    }

    private static ConfigurableApplicationContext start(String[] options) {
        return new SpringApplicationBuilder(SchemaContext.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "logging.level.root=WARN")
                .logStartupInfo(false)
                .run(options);
    }
}
