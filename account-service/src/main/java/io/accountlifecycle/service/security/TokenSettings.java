package io.accountlifecycle.service.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Tokens on the embedded default (and any deployment without an external issuer): the service verifies JWTs signed
 * with a local RSA key kept in {@code signing-key-file}, and its jar's {@code token} command mints them. With
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} or {@code .jwk-set-uri} set, none of this is used.
 *
 * @param issuer         the {@code iss} of locally minted tokens, checked on every request
 * @param signingKeyFile the private RSA JWK; generated at first start
 */
@ConfigurationProperties("account.security")
public record TokenSettings(String issuer, Path signingKeyFile) {

    public static final String DEFAULT_ISSUER = "account-service-local";
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    public TokenSettings {
        if (issuer == null || issuer.isBlank()) {
            issuer = DEFAULT_ISSUER;
        }
        if (signingKeyFile == null) {
            signingKeyFile = defaultKeyFile(Path.of("data"));
        }
    }

    public static Path defaultKeyFile(Path dataDir) {
        return dataDir.resolve("keys").resolve("token-signing-key.json");
    }
}
