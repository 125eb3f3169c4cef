package io.accountlifecycle.service.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The bearer tokens Kafka commands carry, verified with the key material and checks HTTP requests get (signature,
 * issuer, audience: see {@link CommandTokenConfiguration}) but valid or not as of an instant the caller names: the
 * instant the broker appended the record. So a command that waited in the topic while the consumer lagged is judged
 * as it was when sent, and a record appended after its token expired is refused however it got there. Verified
 * tokens are remembered like HTTP's ({@link CachingJwtDecoder}), their lifetime judged at the same instant.
 */
public final class CommandTokens {

    private final JudgingClock clock;
    private final JwtDecoder decoder;
    private final JwtAuthenticationConverter authentication;

    /**
     * @param now                 the service's clock, for whatever is judged outside {@link #verify}
     * @param decoderWithLifetime builds the decoder from the lifetime check it must use instead of Spring's default
     * @param authentication      reads the caller's name and authorities from a token, as the HTTP resource server does
     */
    CommandTokens(Clock now, Function<OAuth2TokenValidator<Jwt>, JwtDecoder> decoderWithLifetime,
                  JwtAuthenticationConverter authentication) {
        this.clock = new JudgingClock(now);
        JwtTimestampValidator lifetime = new JwtTimestampValidator();
        lifetime.setClock(clock);
        this.decoder = new CachingJwtDecoder(decoderWithLifetime.apply(lifetime), clock);
        this.authentication = authentication;
    }

    /**
     * The caller {@code token} names, if it was valid at {@code at}.
     *
     * @throws BadJwtException when the token is refused (malformed, wrongly signed, another issuer or audience, not
     *                         valid at {@code at}, no subject); its message never contains the token. Anything else
     *                         thrown (an issuer that cannot be reached) is not the token's fault.
     */
    public Caller verify(String token, Instant at) {
        Jwt jwt = clock.at(at, () -> decoder.decode(token));
        AbstractAuthenticationToken caller = authentication.convert(jwt);
        String subject = caller == null ? null : caller.getName();
        if (subject == null || subject.isBlank()) {
            throw new BadJwtException("The token names no subject (sub)");
        }
        return new Caller(subject, caller.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                                         .collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * Who sent a command: the token's subject (its actor) and its authorities ({@code SCOPE_…}, as HTTP checks them).
     */
    public record Caller(String subject, Set<String> authorities) {

        public boolean hasScope(String scope) {
            return authorities.contains(Scopes.authority(scope));
        }
    }

    /**
     * The service's clock, except on a thread that is judging a token: then the instant it is judged at. A decoder is
     * built once and validates through a clock it is given, so the instant travels with the thread, not the call.
     */
    private static final class JudgingClock extends Clock {

        private final Clock now;
        private final ThreadLocal<Instant> judgedAt = new ThreadLocal<>();

        JudgingClock(Clock now) {
            this.now = now;
        }

        <T> T at(Instant at, Supplier<T> judgement) {
            judgedAt.set(at);
            try {
                return judgement.get();
            } finally {
                judgedAt.remove();
            }
        }

        @Override
        public Instant instant() {
            Instant at = judgedAt.get();
            return at == null ? now.instant() : at;
        }

        @Override
        public ZoneId getZone() {
            return now.getZone();
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("The clock tokens are judged by has no other zone");
        }
    }
}
