package io.accountlifecycle.service.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How tokens are checked. Without an external issuer ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri},
 * {@code .jwk-set-uri} or {@code .public-key-location}) the service verifies JWTs signed with a local RSA key kept in
 * {@code signing-key-file}, and its jar's {@code token} command mints them; with one, the key and issuer are unused.
 *
 * @param issuer         the {@code iss} of locally minted tokens, checked on every request
 * @param signingKeyFile the private RSA JWK; generated at first start
 * @param audience       the {@code aud} every token must name, on HTTP and on Kafka: required with an external
 *                       issuer (a token the issuer minted for another service must not open this one); optional
 *                       with the local key, which then stamps it on what it mints
 * @param localIssuer    whether a deployment on an external database may still use (and generate) the local key
 */
@ConfigurationProperties("account.security")
public record TokenSettings(String issuer, Path signingKeyFile, String audience, LocalIssuer localIssuer) {

    public static final String DEFAULT_ISSUER = "account-service-local";
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** The longest {@code token --ttl} unless {@code account.security.token-max-ttl} says otherwise. */
    public static final Duration DEFAULT_MAX_TTL = Duration.ofHours(12);

    public TokenSettings {
        if (issuer == null || issuer.isBlank()) {
            issuer = DEFAULT_ISSUER;
        }
        if (signingKeyFile == null) {
            signingKeyFile = defaultKeyFile(Path.of("data"));
        }
        if (audience != null && audience.isBlank()) {
            audience = null;
        }
        if (localIssuer == null) {
            localIssuer = new LocalIssuer(false);
        }
    }

    public static Path defaultKeyFile(Path dataDir) {
        return dataDir.resolve("keys").resolve("token-signing-key.json");
    }

    /**
     * @param enabled {@code account.security.local-issuer.enabled}: a service on an external database
     *                ({@code spring.datasource.url}) refuses to start without an external issuer unless this says
     *                the local key is meant. The embedded default needs no such word.
     */
    public record LocalIssuer(boolean enabled) {
    }
}
