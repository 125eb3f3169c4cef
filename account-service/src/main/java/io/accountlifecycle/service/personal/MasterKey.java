package io.accountlifecycle.service.personal;

import io.accountlifecycle.service.secrets.SecretFiles;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * Loads (or, on the embedded default, creates once) the master key that wraps every account's data key and from which
 * the records' authentication keys are derived ({@link RecordAuthentication}).
 */
final class MasterKey {

    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);

    private MasterKey() {
    }

    /** The parsed keyset (its keys derive the record MAC keys) and its AEAD (which wraps data keys). */
    record Loaded(KeysetHandle keyset, Aead aead) {
    }

    static Loaded load(CryptoProperties properties, boolean mayGenerate) {
        KeysetHandle keyset = keyset(properties, mayGenerate);
        return new Loaded(keyset, aead(keyset));
    }

    /** The master keyset: its primary key wraps, every key in it unwraps (after a rotation, the retired ones too). */
    static KeysetHandle keyset(CryptoProperties properties, boolean mayGenerate) {
        try {
            AeadConfig.register();
            String json = properties.masterKey();
            if (json == null || json.isBlank()) {
                json = readOrGenerate(properties.masterKeyFile(), mayGenerate);
            }
            return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The master key is not a valid Tink AEAD keyset: " + e.getMessage(), e);
        }
    }

    static Aead aead(KeysetHandle keyset) {
        try {
            return keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The master key is not a valid Tink AEAD keyset: " + e.getMessage(), e);
        }
    }

    static String json(KeysetHandle keyset) {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot write the master keyset", e);
        }
    }

    static String generateJson() throws GeneralSecurityException {
        AeadConfig.register();
        KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    }

    /**
     * The keyset in {@code file}; generated into it first when missing and {@code generate} allows it. Written
     * owner-only from its first byte ({@link SecretFiles}): a master key readable by anyone else on the machine for
     * even a moment could have been copied.
     */
    private static String readOrGenerate(Path file, boolean generate) {
        Optional<String> existing = SecretFiles.read(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (!generate) {
            throw new IllegalStateException("No master key: set account.crypto.master-key (a Tink JSON keyset) "
                    + "or provide the file " + file.toAbsolutePath()
                    + ". Without the key that sealed them, every stored personal field is unreadable.");
        }
        String generated = generateJsonUnchecked();
        String json = SecretFiles.readOrCreate(file, () -> generated);
        if (json.equals(generated)) {
            log.warn("Generated a new master key at {}. Back it up: without it no personal field can be read.",
                     file.toAbsolutePath());
        }
        return json;
    }

    private static String generateJsonUnchecked() {
        try {
            return generateJson();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a master key", e);
        }
    }
}
