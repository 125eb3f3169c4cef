package io.accountlifecycle.service.personal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.accountlifecycle.api.MasterKeyRotatedEvent;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.api.RetiredMasterKeysDestroyedEvent;
import io.accountlifecycle.service.secrets.SecretFiles;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericEventMessage;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Rotates the master key, so that a database backup taken before the rotation stops opening the accounts purged since
 * once the retired key is destroyed (a backup still holds their wrapped data keys; only the master key opens them).
 * <ol>
 *   <li>{@link #rotate}: a new key joins the keyset as its primary, the keyset is saved (before anything is wrapped
 *       with it), every live data key is wrapped again under it, each one is handed to {@code published} (key id
 *       and wrapped key, for {@code account.keys}), and {@link MasterKeyRotatedEvent} is recorded. Run again ({@link #rewrap}) it wraps
 *       what an instance still on the old keyset wrapped meanwhile.</li>
 *   <li>{@link #destroyRetired}: once no data key needs them, the retired keys leave the keyset for good, recorded as
 *       {@link RetiredMasterKeysDestroyedEvent}.</li>
 * </ol>
 * The email index's key ({@link EmailIndexKey}) is wrapped by the master key too, and goes along with the data keys.
 * Data keys are rewritten as the schema's owner: the service's own role may insert and delete them, never replace
 * one.
 */
public final class MasterKeyRotation {

    private static final int PAGE = 1_000;

    private final CryptoProperties properties;
    private final Path keysetOut;
    private final JdbcTemplate owner;
    private final EventBus events;
    private final PrintStream out;

    /**
     * @param keysetOut where the new keyset is written when the master key comes from {@code account.crypto.master-key}
     *                  (a Secret the command cannot change); null: the master key file is rewritten
     */
    public MasterKeyRotation(CryptoProperties properties, Path keysetOut, JdbcTemplate owner, EventBus events,
                             PrintStream out) {
        this.properties = properties;
        this.keysetOut = keysetOut;
        this.owner = owner;
        this.events = events;
        this.out = out;
    }

    /**
     * @param publisher given the rotated keyset (records are tagged under its primary), what receives each data key
     *                  wrapped again
     */
    public KeysetHandle rotate(String actor, Function<KeysetHandle, BiConsumer<String, byte[]>> publisher) {
        KeysetHandle current = MasterKey.keyset(properties, false);
        List<Long> retired = keyIds(current);
        KeysetHandle rotated;
        try {
            rotated = KeysetHandle.newBuilder(current)
                                  .addEntry(KeysetHandle.generateEntryFromParameters(
                                          PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
                                  .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a new master key", e);
        }
        long newKeyId = Integer.toUnsignedLong(rotated.getPrimary().getId());
        save(rotated);
        out.printf("New master key %d is the primary; retired (kept until destroyed): %s%n", newKeyId, retired);
        long rewrapped = rewrap(rotated, publisher.apply(rotated));
        events.publish(GenericEventMessage.asEventMessage(new MasterKeyRotatedEvent(actor, newKeyId, retired,
                                                                                    rewrapped))
                                          .andMetaData(Map.of(MetaDataKeys.ACTOR, actor)));
        return rotated;
    }

    /** Wraps every data key again under the current keyset's primary; returns how many. */
    public long rewrap(Function<KeysetHandle, BiConsumer<String, byte[]>> publisher) {
        KeysetHandle keyset = MasterKey.keyset(properties, false);
        return rewrap(keyset, publisher.apply(keyset));
    }

    /** The master keyset as configured now. */
    public KeysetHandle currentKeyset() {
        return MasterKey.keyset(properties, false);
    }

    private long rewrap(KeysetHandle keyset, BiConsumer<String, byte[]> published) {
        Aead master = MasterKey.aead(keyset);
        long[] rewrapped = {0};
        eachPage(page -> {
            List<Object[]> updates = new ArrayList<>(page.size());
            for (Map<String, Object> row : page) {
                String keyId = (String) row.get("key_id");
                byte[] wrapped = (byte[]) row.get("wrapped_key");
                updates.add(new Object[] {wrapAgain(master, keyId, wrapped), keyId, wrapped});
            }
            int[][] counts = owner.batchUpdate(
                    "update account_data_key set wrapped_key = ? where key_id = ? and wrapped_key = ?", updates,
                    updates.size(), (statement, update) -> {
                        statement.setBytes(1, (byte[]) update[0]);
                        statement.setString(2, (String) update[1]);
                        statement.setBytes(3, (byte[]) update[2]);
                    });
            for (int i = 0; i < updates.size(); i++) {
                if (counts[0][i] == 1) { // 0: purged meanwhile, its key gone for good
                    rewrapped[0]++;
                    published.accept((String) updates.get(i)[1], (byte[]) updates.get(i)[0]);
                }
            }
            out.printf("Data keys wrapped again: %,d%n", rewrapped[0]);
        });
        if (EmailIndexKey.rewrap(owner, master)) {
            out.println("The email index key wrapped again");
        }
        return rewrapped[0];
    }

    /** Every data key's row, a page at a time, in key order. */
    private void eachPage(Consumer<List<Map<String, Object>>> handle) {
        String after = "";
        while (true) {
            List<Map<String, Object>> page = owner.queryForList(
                    "select key_id, wrapped_key from account_data_key where key_id > ? order by key_id limit ?",
                    after, PAGE);
            if (page.isEmpty()) {
                return;
            }
            handle.accept(page);
            after = (String) page.get(page.size() - 1).get("key_id");
        }
    }

    /**
     * Removes every key but the primary from the keyset, refusing while a data key is still wrapped under one of
     * them (run {@code rotate-master-key --rewrap-only} first).
     */
    public List<Long> destroyRetired(String actor) {
        KeysetHandle current = MasterKey.keyset(properties, false);
        KeysetHandle primaryOnly = primaryOnly(current);
        List<Long> retired = keyIds(current);
        retired.remove(Long.valueOf(Integer.toUnsignedLong(current.getPrimary().getId())));
        if (retired.isEmpty()) {
            out.println("No retired master key to destroy.");
            return retired;
        }
        Aead primary = MasterKey.aead(primaryOnly);
        long[] needRetired = {0};
        eachPage(page -> page.stream()
                             .filter(row -> !opens(primary, (String) row.get("key_id"), (byte[]) row.get("wrapped_key")))
                             .forEach(row -> needRetired[0]++));
        long stillRetired = needRetired[0];
        if (stillRetired > 0) {
            throw new IllegalStateException(stillRetired + " data keys are still wrapped under a retired master key "
                    + "(written by an instance that ran with the old keyset): run `rotate-master-key --rewrap-only` "
                    + "with every instance on the new keyset, then destroy.");
        }
        if (!EmailIndexKey.opensUnder(owner, primary)) {
            throw new IllegalStateException("The email index key is still wrapped under a retired master key (an "
                    + "instance on the old keyset created it): run `rotate-master-key --rewrap-only`, then destroy.");
        }
        save(primaryOnly);
        events.publish(GenericEventMessage.asEventMessage(new RetiredMasterKeysDestroyedEvent(actor, retired))
                                          .andMetaData(Map.of(MetaDataKeys.ACTOR, actor)));
        out.printf("Destroyed retired master keys %s: backups taken before their rotation no longer open any "
                   + "data key.%n", retired);
        return retired;
    }

    /** The keyset as the running service must see it from now on. */
    private void save(KeysetHandle keyset) {
        String json = MasterKey.json(keyset);
        boolean fromSecret = properties.masterKey() != null && !properties.masterKey().isBlank();
        if (fromSecret) {
            if (keysetOut == null) {
                throw new IllegalStateException("The master key comes from account.crypto.master-key, which this "
                        + "command cannot change: give --keyset-out <file> and put that file's content into the Secret");
            }
            SecretFiles.write(keysetOut, json);
            out.printf("The new keyset is in %s: put it into the master key's Secret (ACCOUNT_CRYPTO_MASTER_KEY) and "
                       + "restart every role, then delete the file.%n", keysetOut.toAbsolutePath());
        } else {
            SecretFiles.write(keysetOut != null ? keysetOut : properties.masterKeyFile(), json);
            out.printf("The keyset is saved in %s.%n",
                       (keysetOut != null ? keysetOut : properties.masterKeyFile()).toAbsolutePath());
        }
    }

    private static byte[] wrapAgain(Aead master, String keyId, byte[] wrapped) {
        try {
            byte[] associated = DataKeyStore.associatedData(keyId);
            KeysetHandle dataKey = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, master, associated);
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, master, associated);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot open the data key of " + keyId + " with the master keyset: was it "
                                            + "wrapped by a key no longer in it?", e);
        }
    }

    private static boolean opens(Aead master, String keyId, byte[] wrapped) {
        try {
            TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, master, DataKeyStore.associatedData(keyId));
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeysetHandle primaryOnly(KeysetHandle keyset) {
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
        for (int i = keyset.size() - 1; i >= 0; i--) {
            if (!keyset.getAt(i).isPrimary()) {
                builder.deleteAt(i);
            }
        }
        try {
            return builder.build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build the keyset without its retired keys", e);
        }
    }

    static List<Long> keyIds(KeysetHandle keyset) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < keyset.size(); i++) {
            ids.add(Integer.toUnsignedLong(keyset.getAt(i).getId()));
        }
        return ids;
    }
}
