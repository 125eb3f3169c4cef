package io.accountlifecycle.service.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.accountlifecycle.service.security.CommandTokens.Caller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Kafka command's token is judged at the instant its record was appended, not when it is read: valid then, valid
 * however late it is read; expired or not yet valid then, refused — also once a verification is remembered.
 */
class CommandTokensTest {

    @TempDir
    Path dir;

    private TokenSettings settings() {
        return new TokenSettings(TokenSettings.DEFAULT_ISSUER, dir.resolve("keys/token-signing-key.json"), null, null);
    }

    private CommandTokens commandTokens() {
        TokenSettings settings = settings();
        return new CommandTokens(Clock.systemUTC(), lifetime -> TokenVerificationConfiguration.localDecoder(
                LocalTokens.loadOrCreate(settings.signingKeyFile(), settings.issuer()), settings.issuer(), lifetime,
                List.of()), new JwtAuthenticationConverter());
    }

    /** A token of the local key valid from {@code from} to {@code until}, which the key's own minting cannot make. */
    private String signed(String subject, String scope, Instant from, Instant until) throws Exception {
        TokenSettings settings = settings();
        LocalTokens.loadOrCreate(settings.signingKeyFile(), settings.issuer());
        RSAKey key = RSAKey.parse(Files.readString(settings.signingKeyFile()));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                                      new JWTClaimsSet.Builder().issuer(settings.issuer()).subject(subject)
                                                                .issueTime(Date.from(from))
                                                                .notBeforeTime(Date.from(from))
                                                                .expirationTime(Date.from(until))
                                                                .claim("scope", scope).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aTokenExpiredByNowIsValidAtTheInstantItsRecordWasAppended() throws Exception {
        Instant now = Instant.now();
        String token = signed("billing", Scopes.WRITE, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)));
        CommandTokens tokens = commandTokens();

        Caller caller = tokens.verify(token, now.minus(Duration.ofMinutes(90)));
        assertThat(caller.subject()).isEqualTo("billing");
        assertThat(caller.hasScope(Scopes.WRITE)).isTrue();
        assertThat(caller.hasScope(Scopes.DELETE)).isFalse();
        // Remembered, and still judged at each record's own instant.
        assertThatThrownBy(() -> tokens.verify(token, now)).isInstanceOf(BadJwtException.class)
                                                           .hasMessageContaining("expired");
        assertThatThrownBy(() -> tokens.verify(token, now.minus(Duration.ofHours(3))))
                .isInstanceOf(BadJwtException.class);
        assertThat(tokens.verify(token, now.minus(Duration.ofMinutes(61))).subject()).isEqualTo("billing");
    }

    @Test
    void aTokenIsRefusedOutsideItsLifetimeWhenFirstSeenToo() throws Exception {
        Instant now = Instant.now();
        String token = signed("billing", Scopes.WRITE, now, now.plus(Duration.ofMinutes(5)));

        assertThatThrownBy(() -> commandTokens().verify(token, now.plus(Duration.ofMinutes(10))))
                .isInstanceOf(BadJwtException.class).hasMessageContaining("expired");
        assertThatThrownBy(() -> commandTokens().verify(token, now.minus(Duration.ofMinutes(10))))
                .isInstanceOf(BadJwtException.class);
    }

    @Test
    void aForgedTamperedOrSubjectlessTokenIsRefusedWithoutBeingQuoted() throws Exception {
        Instant now = Instant.now();
        String forged = LocalTokens.loadOrCreate(dir.resolve("another-key.json"), TokenSettings.DEFAULT_ISSUER)
                                   .mint("billing", List.of(Scopes.WRITE), Duration.ofMinutes(5));
        String good = signed("billing", Scopes.WRITE, now, now.plus(Duration.ofMinutes(5)));
        String tampered = good.substring(0, good.length() - 2) + (good.endsWith("AA") ? "BB" : "AA");
        String subjectless = signed(" ", Scopes.WRITE, now, now.plus(Duration.ofMinutes(5)));
        CommandTokens tokens = commandTokens();

        for (String token : List.of(forged, tampered, subjectless)) {
            assertThatThrownBy(() -> tokens.verify(token, now)).isInstanceOf(BadJwtException.class)
                                                               .satisfies(e -> assertThat(e.getMessage())
                                                                       .doesNotContain(token));
        }
        assertThat(tokens.verify(good, now).subject()).isEqualTo("billing");
    }
}
