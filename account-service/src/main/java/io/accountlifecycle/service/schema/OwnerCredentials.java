package io.accountlifecycle.service.schema;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Whether this process holds the database owner's credentials, which decides whether it migrates: either
 * {@code spring.flyway.user} is set (on Kubernetes only the migration and restore Jobs mount that Secret), or no
 * {@code spring.datasource.url} is, so the embedded default runs, whose server creates the owner itself. Every other
 * process connects as {@code account_app} only, which can create nothing, and waits for the schema it needs
 * ({@link SchemaGate}).
 */
public final class OwnerCredentials {

    private OwnerCredentials() {
    }

    public static boolean configured(Environment environment) {
        return StringUtils.hasText(environment.getProperty("spring.flyway.user"))
               || !environment.containsProperty("spring.datasource.url");
    }
}
