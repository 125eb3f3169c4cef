package io.accountlifecycle.service.certificate;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.accountlifecycle.service.secrets.SecretFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The EC P-256 key that signs purge certificates (ES256), and the public keys a verifier may meet: the current one
 * and every retired one, each named by its {@code kid}.
 */
public final class CertificateKeys {

    private final ECKey signingKey;
    private final JWKSet publicKeys;

    CertificateKeys(ECKey signingKey, List<ECKey> retired) {
        if (!signingKey.isPrivate()) {
            throw new IllegalArgumentException("The purge certificate key " + signingKey.getKeyID()
                                               + " has no private part: it cannot sign");
        }
        List<JWK> keys = new ArrayList<>();
        keys.add(signingKey.toPublicJWK());
        Set<String> ids = new HashSet<>(Set.of(signingKey.getKeyID()));
        for (ECKey key : retired) {
            if (!ids.add(key.getKeyID())) {
                throw new IllegalArgumentException("Two purge certificate keys have the kid " + key.getKeyID());
            }
            keys.add(key.toPublicJWK());
        }
        this.signingKey = signingKey;
        this.publicKeys = new JWKSet(keys);
    }

    /**
     * The key in {@code settings.keyFile()} and the retired ones beside it. A missing key file is created only when
     * {@code mayGenerate} (the embedded default, or {@code account.purge-certificate.generate-key=true}); elsewhere it
     * must be mounted, and the service refuses to start without it rather than sign with a key nobody kept.
     */
    public static CertificateKeys load(PurgeCertificateSettings settings, boolean mayGenerate) {
        Path file = settings.keyFile();
        String json;
        if (mayGenerate) {
            json = SecretFiles.readOrCreate(file, CertificateKeys::generate);
        } else if (Files.isReadable(file)) {
            json = read(file); // a mounted Secret is read-only: not tightened as a generated file is
        } else {
            throw new IllegalStateException(
                    "No purge certificate key: " + file.toAbsolutePath() + " does not exist. Mount the Secret "
                    + "holding it (account.purge-certificate.key-file, environment ACCOUNT_PURGECERTIFICATE_KEYFILE; "
                    + "README \"Proof of purge\" says how to make one), or set "
                    + "account.purge-certificate.generate-key=true if a key generated on this machine is meant.");
        }
        return new CertificateKeys(parse(json, file), retired(settings.retiredKeysDirectory()));
    }

    /** A new EC P-256 signing key with a random {@code kid}, as a private JWK. */
    static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                                                  .algorithm(JWSAlgorithm.ES256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate a purge certificate key", e);
        }
    }

    private static String generate() {
        return newKey().toJSONString();
    }

    private static List<ECKey> retired(Path directory) {
        if (directory == null || !Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted()
                        .map(f -> parse(read(f), f).toPublicJWK()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the retired purge certificate keys in " + directory, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the purge certificate key " + file, e);
        }
    }

    private static ECKey parse(String json, Path file) {
        try {
            ECKey key = ECKey.parse(json);
            if (!Curve.P_256.equals(key.getCurve()) || key.getKeyID() == null || key.getKeyID().isBlank()) {
                throw new IllegalStateException("The purge certificate key " + file + " must be an EC P-256 JWK "
                                                + "with a kid");
            }
            return key;
        } catch (ParseException e) {
            throw new IllegalStateException("The purge certificate key " + file + " is not an EC JWK", e);
        }
    }

    public ECKey signingKey() {
        return signingKey;
    }

    /** The current and retired public keys, as {@code /.well-known/purge-certificate-keys.json} publishes them. */
    public JWKSet publicKeys() {
        return publicKeys;
    }
}
