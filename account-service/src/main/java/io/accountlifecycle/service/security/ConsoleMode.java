package io.accountlifecycle.service.security;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;

import static org.springframework.util.StringUtils.hasText;

/**
 * Who signs people in to the admin console. An external OpenID Connect provider when
 * {@code spring.security.oauth2.client.registration.console.client-id} is set (Keycloak or any other); else the
 * service's own local issuer where the local signing key may be used (the embedded default, or
 * {@code account.security.local-issuer.enabled=true}); else nobody, and the console is off (a production deployment
 * without an identity provider has no console rather than one with a password file on a pod).
 */
public enum ConsoleMode {
    EXTERNAL, LOCAL, OFF;

    public static final String REGISTRATION_ID = "console";
    static final String CLIENT_ID = "spring.security.oauth2.client.registration.console.client-id";

    public static ConsoleMode of(PropertyResolver environment) {
        if (!environment.getProperty("account.console.enabled", Boolean.class, true)) {
            return OFF;
        }
        if (hasText(environment.getProperty(CLIENT_ID))) {
            return EXTERNAL;
        }
        if (!hasText(environment.getProperty("spring.datasource.url"))
            || environment.getProperty("account.security.local-issuer.enabled", Boolean.class, false)) {
            return LOCAL;
        }
        return OFF;
    }

    /** The console is served (by either issuer). */
    public static class On implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return of(context.getEnvironment()) != OFF;
        }
    }

    /** An external provider signs people in. */
    public static class External implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return of(context.getEnvironment()) == EXTERNAL;
        }
    }

    /** The service is the console's issuer. */
    public static class Local implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return of(context.getEnvironment()) == LOCAL;
        }
    }
}
