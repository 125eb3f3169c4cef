package io.accountlifecycle.service.certificate;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * Where the key that signs purge certificates comes from: a key of its own, never the token-signing key, so a
 * certificate can never pass as an access token. Production mounts it from a Secret; the embedded default generates
 * it once under its {@code keys/} folder.
 *
 * @param keyFile               the private EC P-256 JWK (with its {@code kid}) that signs new certificates
 * @param retiredKeysDirectory  a folder whose {@code *.json} files are keys that signed earlier certificates: only
 *                              their public halves are read, and published next to the current one, so a certificate
 *                              signed before a rotation still verifies; absent means none
 * @param generateKey           create {@code keyFile} when it is missing (the embedded default does without asking)
 * @param issuer                the {@code iss} of every certificate
 */
@ConfigurationProperties("account.purge-certificate")
public record PurgeCertificateSettings(Path keyFile, Path retiredKeysDirectory, boolean generateKey, String issuer) {

    public static final String DEFAULT_ISSUER = "account-service";

    public PurgeCertificateSettings {
        if (keyFile == null) {
            keyFile = Path.of("data", "keys", "purge-certificate-key.json");
        }
        if (retiredKeysDirectory == null) {
            retiredKeysDirectory = keyFile.resolveSibling("purge-certificate-retired");
        }
        if (issuer == null || issuer.isBlank()) {
            issuer = DEFAULT_ISSUER;
        }
    }
}
