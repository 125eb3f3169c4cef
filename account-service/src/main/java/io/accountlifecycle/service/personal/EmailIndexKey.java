package io.accountlifecycle.service.personal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * The key of the email index: an HMAC-SHA256 PRF (a Tink keyset of its own) that turns a normalised email into the
 * 32 bytes the index stores, so an account is found by its email while no table and no event holds the email in
 * plaintext, and nobody holding only the database can test a guess (every address is guessable; a plain hash would
 * confirm them all).
 * <p>
 * Created once, by whichever instance needs it first, and kept in {@code email_index_key} wrapped by the master key
 * like a data key; a master-key rotation wraps it again ({@link #rewrap}). A key of its own rather than one derived
 * from the master key: a derived one would change with every rotation and leave the index unreadable until it was
 * rebuilt. Losing the database loses it with the index it made; the restore rebuilds the index under a new one.
 * Loaded once per instance and kept: it never changes.
 */
public class EmailIndexKey {

    /** The MAC's length in bytes (HMAC-SHA256's whole output). */
    public static final int MAC_LENGTH = 32;
    private static final byte[] ASSOCIATED_DATA = "account-email-index-key".getBytes(StandardCharsets.UTF_8);
    private static final String SELECT = "select wrapped_key from email_index_key where id = 1";

    private final JdbcTemplate jdbc;
    private final Aead masterKey;
    private final TransactionTemplate ownTransaction;
    private volatile PrfSet prf;

    public EmailIndexKey(JdbcTemplate jdbc, Aead masterKey, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.masterKey = masterKey;
        // The key commits on its own before anyone uses it: were it created inside a handler's transaction that
        // rolls back, this instance would hold a key the database does not, and index under it.
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** The MAC of an email already normalised by the caller. */
    public byte[] mac(String normalisedEmail) {
        try {
            return prf().computePrimary(normalisedEmail.getBytes(StandardCharsets.UTF_8), MAC_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The email index key cannot compute a MAC", e);
        }
    }

    private PrfSet prf() {
        PrfSet loaded = prf;
        if (loaded == null) {
            synchronized (this) {
                if (prf == null) {
                    prf = load();
                }
                loaded = prf;
            }
        }
        return loaded;
    }

    private PrfSet load() {
        byte[] wrapped = ownTransaction.execute(status -> {
            List<byte[]> stored = jdbc.queryForList(SELECT, byte[].class);
            if (!stored.isEmpty()) {
                return stored.get(0);
            }
            // Another instance may insert first: then its key is the one, read back after the conflict.
            jdbc.update("insert into email_index_key (id, wrapped_key) values (1, ?) on conflict (id) do nothing",
                        (Object) wrap(masterKey, newKeyset()));
            return jdbc.queryForObject(SELECT, byte[].class);
        });
        try {
            return unwrap(masterKey, wrapped).getPrimitive(RegistryConfiguration.get(), PrfSet.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The email index key is not an HMAC PRF keyset", e);
        }
    }

    /**
     * Wraps the stored key again under {@code master}'s primary, as the schema's owner (the service may only create
     * it); false when there is no key yet. A key no key of {@code master} opens is an error.
     */
    static boolean rewrap(JdbcTemplate owner, Aead master) {
        List<byte[]> stored = owner.queryForList(SELECT, byte[].class);
        if (stored.isEmpty()) {
            return false;
        }
        byte[] again = wrap(master, unwrap(master, stored.get(0)));
        owner.update("update email_index_key set wrapped_key = ? where id = 1 and wrapped_key = ?", again,
                     stored.get(0));
        return true;
    }

    /** Whether the stored key (if any) opens under {@code master}: a retired master key must not be its only one. */
    static boolean opensUnder(JdbcTemplate owner, Aead master) {
        List<byte[]> stored = owner.queryForList(SELECT, byte[].class);
        if (stored.isEmpty()) {
            return true;
        }
        try {
            parse(master, stored.get(0));
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeysetHandle newKeyset() {
        try {
            PrfConfig.register();
            return KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate the email index key", e);
        }
    }

    private static byte[] wrap(Aead master, KeysetHandle keyset) {
        try {
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, master, ASSOCIATED_DATA);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot wrap the email index key", e);
        }
    }

    private static KeysetHandle unwrap(Aead master, byte[] wrapped) {
        try {
            return parse(master, wrapped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot unwrap the email index key: was it wrapped by another master key?",
                                            e);
        }
    }

    private static KeysetHandle parse(Aead master, byte[] wrapped) throws GeneralSecurityException {
        PrfConfig.register();
        return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, master, ASSOCIATED_DATA);
    }
}
