package io.accountlifecycle.service;

import io.accountlifecycle.service.security.LocalTokens;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.service.security.TokenSettings;
import org.springframework.context.ApplicationContext;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Tokens signed with a running service's local key, as its jar's {@code token} command mints them (with the
 * service's {@code account.security.audience}, when it has one).
 */
public final class TestTokens {

    public static final List<String> ALL_SCOPES = List.of(Scopes.READ, Scopes.WRITE, Scopes.DELETE, Scopes.ADMIN,
                                                          Scopes.APPROVE, Scopes.ANALYTICS, Scopes.LEGAL,
                                                          Scopes.EXPORT);

    private TestTokens() {
    }

    public static String mint(ApplicationContext context, String subject, List<String> scopes) {
        return mint(context, subject, scopes, Duration.ofMinutes(30));
    }

    /** A negative {@code ttl}: a token that expired that long ago (issued a minute before). */
    public static String mint(ApplicationContext context, String subject, List<String> scopes, Duration ttl) {
        TokenSettings settings = context.getBean(TokenSettings.class);
        LocalTokens tokens = LocalTokens.loadOrCreate(settings.signingKeyFile(), settings.issuer(),
                                                      settings.audience());
        if (ttl.isNegative()) {
            return tokens.mint(subject, scopes, Instant.now().plus(ttl).minusSeconds(60), Duration.ofSeconds(60));
        }
        return tokens.mint(subject, scopes, ttl);
    }
}
