package io.accountlifecycle.service.schema;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Compares the database's schema, read as the application role through Flyway's view of its history, with the newest
 * migration in any of {@code spring.flyway.locations}. The build's version comes from the migration files' names on
 * the classpath, not from Flyway's {@code info()}: it must be known also when the history cannot be read (a schema
 * from before {@code account_app} was granted that).
 */
final class SchemaCheck {

    /** PostgreSQL's {@code insufficient_privilege}. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final Flyway flyway;
    private final String role;
    private final MigrationVersion required;

    private SchemaCheck(Flyway flyway, String role, MigrationVersion required) {
        this.flyway = flyway;
        this.role = role;
        this.required = required;
    }

    /** Flyway as the service configures it ({@code spring.flyway.*}), on the application's own data source. */
    static SchemaCheck of(Environment environment) {
        FlywayProperties properties = Binder.get(environment).bindOrCreate("spring.flyway", FlywayProperties.class);
        String role = environment.getProperty("spring.datasource.username");
        Flyway flyway = Flyway.configure()
                              .dataSource(environment.getRequiredProperty("spring.datasource.url"), role,
                                          environment.getProperty("spring.datasource.password"))
                              .locations(properties.getLocations().toArray(String[]::new))
                              .table(properties.getTable())
                              .sqlMigrationPrefix(properties.getSqlMigrationPrefix())
                              .sqlMigrationSeparator(properties.getSqlMigrationSeparator())
                              .sqlMigrationSuffixes(properties.getSqlMigrationSuffixes().toArray(String[]::new))
                              .placeholders(properties.getPlaceholders())
                              .load();
        return new SchemaCheck(flyway, role, newestMigration(properties));
    }

    MigrationVersion required() {
        return required;
    }

    SchemaState check() {
        try {
            return SchemaState.of(applied(flyway.info()), required);
        } catch (FlywayException e) {
            if (insufficientPrivilege(e)) {
                return SchemaState.historyNotReadable(role, required);
            }
            return SchemaState.databaseNotReadable(rootMessage(e), required);
        }
    }

    /** The newest migration applied and not failed; null when none is. */
    static MigrationVersion applied(MigrationInfoService info) {
        return Arrays.stream(info.applied())
                     .filter(migration -> migration.getVersion() != null && !migration.getState().isFailed())
                     .map(MigrationInfo::getVersion)
                     .max(Comparator.naturalOrder())
                     .orElse(null);
    }

    /** The newest versioned migration file in any location, by Flyway's naming rules and version order. */
    private static MigrationVersion newestMigration(FlywayProperties properties) {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        String prefix = properties.getSqlMigrationPrefix();
        String separator = properties.getSqlMigrationSeparator();
        MigrationVersion newest = null;
        for (String location : properties.getLocations()) {
            Resource[] files;
            try {
                files = resolver.getResources(pattern(location));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list the migrations in " + location, e);
            }
            for (Resource file : files) {
                String name = Objects.requireNonNullElse(file.getFilename(), "");
                if (name.startsWith(prefix) && name.indexOf(separator) > prefix.length()
                    && properties.getSqlMigrationSuffixes().stream().anyMatch(name::endsWith)) {
                    MigrationVersion version = MigrationVersion.fromVersion(
                            name.substring(prefix.length(), name.indexOf(separator)));
                    if (newest == null || version.compareTo(newest) > 0) {
                        newest = version;
                    }
                }
            }
        }
        if (newest == null) {
            throw new IllegalStateException("No migrations found in " + properties.getLocations());
        }
        return newest;
    }

    /** A Flyway location as a pattern over every jar and folder of the classpath, sub-folders included, as Flyway scans. */
    private static String pattern(String location) {
        if (location.startsWith("filesystem:")) {
            return "file:" + location.substring("filesystem:".length()) + "/**/*";
        }
        return "classpath*:" + location.replaceFirst("^classpath:", "") + "/**/*";
    }

    private static boolean insufficientPrivilege(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && INSUFFICIENT_PRIVILEGE.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
