package io.accountlifecycle.service.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachingJwtDecoderTest {

    @TempDir
    Path dir;

    @Test
    void verifiesEachTokenOnceAndStillRefusesItOnceExpired() throws Exception {
        LocalTokens tokens = LocalTokens.loadOrCreate(dir.resolve("key.json"), TokenSettings.DEFAULT_ISSUER);
        NimbusJwtDecoder nimbus = NimbusJwtDecoder.withPublicKey(tokens.publicKey().toRSAPublicKey()).build();
        nimbus.setJwtValidator(JwtValidators.createDefaultWithIssuer(TokenSettings.DEFAULT_ISSUER));
        AtomicInteger verifications = new AtomicInteger();
        JwtDecoder counting = token -> {
            verifications.incrementAndGet();
            return nimbus.decode(token);
        };
        String token = tokens.mint("alice", List.of(Scopes.READ), Duration.ofMinutes(2));

        CachingJwtDecoder now = new CachingJwtDecoder(counting, Clock.systemUTC());
        assertThat(now.decode(token).getSubject()).isEqualTo("alice");
        assertThat(now.decode(token).getSubject()).isEqualTo("alice");
        assertThat(verifications).hasValue(1);

        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertThatThrownBy(() -> now.decode(tampered)).isInstanceOf(org.springframework.security.oauth2.jwt.JwtException.class);

        MovableClock clock = new MovableClock();
        CachingJwtDecoder cached = new CachingJwtDecoder(counting, clock);
        cached.decode(token);
        clock.advance(Duration.ofMinutes(10));
        assertThatThrownBy(() -> cached.decode(token)).isInstanceOf(BadJwtException.class)
                                                      .hasMessageContaining("expired");
    }

    /** A clock a test can move forward. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.now();

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
