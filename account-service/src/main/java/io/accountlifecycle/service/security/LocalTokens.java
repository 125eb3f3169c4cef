package io.accountlifecycle.service.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.UUID;

/** The local RSA signing key (created once, kept under the data folder) and the tokens it signs. */
public final class LocalTokens {

    private final RSAKey key;
    private final String issuer;

    private LocalTokens(RSAKey key, String issuer) {
        this.key = key;
        this.issuer = issuer;
    }

    public static LocalTokens loadOrCreate(Path keyFile, String issuer) {
        try {
            if (!Files.exists(keyFile)) {
                RSAKey generated = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
                Files.createDirectories(keyFile.toAbsolutePath().getParent());
                Path tmp = keyFile.resolveSibling(keyFile.getFileName() + "." + UUID.randomUUID() + ".tmp");
                Files.writeString(tmp, generated.toJSONString());
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                try {
                    // Two processes starting at once (service and token command) must end up with one key.
                    Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    Files.deleteIfExists(tmp);
                }
            }
            return new LocalTokens(RSAKey.parse(Files.readString(keyFile)), issuer);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the token signing key " + keyFile, e);
        } catch (JOSEException | ParseException e) {
            throw new IllegalStateException("The token signing key " + keyFile + " is not a valid RSA JWK", e);
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
