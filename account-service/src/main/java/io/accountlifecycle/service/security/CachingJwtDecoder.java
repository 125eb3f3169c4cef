package io.accountlifecycle.service.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Verifies a token's signature once, not on every request: product services send the same token for its whole
 * lifetime, and RSA verification was a fifth of the CPU a command cost. Only tokens that passed every check are
 * remembered, by their exact text (a tampered token is a different string), and a remembered token is refused outside
 * its lifetime, as the decoder would. Both ends count: a Kafka command is judged at the instant the broker appended
 * it ({@link CommandTokens}), which may come before the instant a token was first verified.
 */
class CachingJwtDecoder implements JwtDecoder {

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final JwtDecoder delegate;
    private final Clock clock;
    private final Cache<String, Jwt> verified = Caffeine.newBuilder()
                                                        .maximumSize(10_000)
                                                        .expireAfterWrite(Duration.ofMinutes(5))
                                                        .build();

    CachingJwtDecoder(JwtDecoder delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt cached = verified.getIfPresent(token);
        if (cached != null) {
            // Not forgotten when refused: a record appended earlier may still be judged with it.
            Instant now = clock.instant();
            Instant expiresAt = cached.getExpiresAt();
            if (expiresAt != null && now.isAfter(expiresAt.plus(CLOCK_SKEW))) {
                throw new BadJwtException("Jwt expired at " + expiresAt);
            }
            Instant notBefore = cached.getNotBefore();
            if (notBefore != null && now.isBefore(notBefore.minus(CLOCK_SKEW))) {
                throw new BadJwtException("Jwt used before " + notBefore);
            }
            return cached;
        }
        Jwt jwt = delegate.decode(token);
        verified.put(token, jwt);
        return jwt;
    }
}
