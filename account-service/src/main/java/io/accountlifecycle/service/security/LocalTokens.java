package io.accountlifecycle.service.security;

import io.accountlifecycle.service.secrets.SecretFiles;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.UUID;

/**
 * The local RSA signing key (created once, owner-only from its first byte, kept under the data folder) and the
 * tokens it signs: with {@code account.security.audience} set, stamped with that audience, which every door checks.
 */
public final class LocalTokens {

    private final RSAKey key;
    private final String issuer;
    private final String audience;

    private LocalTokens(RSAKey key, String issuer, String audience) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
    }

    /** The key in {@code keyFile} (created if missing), minting tokens without an audience. */
    public static LocalTokens loadOrCreate(Path keyFile, String issuer) {
        return loadOrCreate(keyFile, issuer, null);
    }

    /**
     * The key in {@code keyFile}, created if missing; two processes starting at once (service and {@code token}
     * command) end up with one key. Tokens it mints name {@code audience} when it is not null.
     */
    public static LocalTokens loadOrCreate(Path keyFile, String issuer, String audience) {
        String json = SecretFiles.readOrCreate(keyFile, LocalTokens::generate);
        try {
            return new LocalTokens(RSAKey.parse(json), issuer, audience);
        } catch (ParseException e) {
            throw new IllegalStateException("The token signing key " + keyFile + " is not a valid RSA JWK", e);
        }
    }

    private static String generate() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate().toJSONString();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate a token signing key", e);
        }
    }

    public RSAKey publicKey() {
        return key.toPublicJWK();
    }

    public String issuer() {
        return issuer;
    }

    /** A signed JWT for {@code subject} with {@code scopes}, valid from now for {@code ttl}. */
    public String mint(String subject, Collection<String> scopes, Duration ttl) {
        return mint(subject, scopes, Instant.now(), ttl);
    }

    /** A signed JWT for {@code subject} with {@code scopes}, valid from {@code now} for {@code ttl}. */
    public String mint(String subject, Collection<String> scopes, Instant now, Duration ttl) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .audience(audience)
                .claim("scope", String.join(" ", scopes))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                                          claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a token", e);
        }
    }
}
