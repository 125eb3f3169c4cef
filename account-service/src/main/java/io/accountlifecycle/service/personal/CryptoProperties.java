package io.accountlifecycle.service.personal;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the master key comes from. Production passes the Tink JSON keyset in {@code account.crypto.master-key}
 * (from a Secret); otherwise it is read from {@code master-key-file}, which the embedded default generates once.
 *
 * @param masterKey          a Tink JSON keyset (AES256-GCM), or empty
 * @param masterKeyFile      the keyset file used when {@code masterKey} is empty
 * @param generateMasterKey  create the file when it is missing (the embedded default only)
 * @param dataKeyCacheTtl    how long an unwrapped data key may stay in memory (a purged key leaves every instance's
 *                           memory when the purge commits; this bounds what a missed notification could keep)
 * @param newDataKeyCacheTtl how long the key of an account opened here stays in memory (long enough for the
 *                           publication to open that account's first events; at most {@code dataKeyCacheTtl})
 */
@ConfigurationProperties("account.crypto")
public record CryptoProperties(String masterKey,
                               Path masterKeyFile,
                               boolean generateMasterKey,
                               Duration dataKeyCacheTtl,
                               Duration newDataKeyCacheTtl) {

    public CryptoProperties {
        if (masterKeyFile == null) {
            masterKeyFile = Path.of("data", "keys", "master-key.json");
        }
        if (dataKeyCacheTtl == null) {
            dataKeyCacheTtl = Duration.ofMinutes(5);
        }
        if (newDataKeyCacheTtl == null) {
            newDataKeyCacheTtl = Duration.ofSeconds(2);
        }
    }
}
