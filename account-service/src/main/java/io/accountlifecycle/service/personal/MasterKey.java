package io.accountlifecycle.service.personal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

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
        try {
            AeadConfig.register();
            String json = properties.masterKey();
            if (json == null || json.isBlank()) {
                json = readOrGenerate(properties.masterKeyFile(), mayGenerate);
            }
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
            return new Loaded(handle, handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The master key is not a valid Tink AEAD keyset: " + e.getMessage(), e);
        }
    }

    static String generateJson() throws GeneralSecurityException {
        AeadConfig.register();
        KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    }

    private static String readOrGenerate(Path file, boolean generate) throws GeneralSecurityException {
        try {
            if (Files.exists(file)) {
                return Files.readString(file);
            }
            if (!generate) {
                throw new IllegalStateException("No master key: set account.crypto.master-key (a Tink JSON keyset) "
                        + "or provide the file " + file.toAbsolutePath()
                        + ". Without the key that sealed them, every stored personal field is unreadable.");
            }
            String json = generateJson();
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, json, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                              StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the data folder's own permissions apply
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            log.warn("Generated a new master key at {}. Back it up: without it no personal field can be read.",
                     file.toAbsolutePath());
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key file " + file, e);
        }
    }
}
