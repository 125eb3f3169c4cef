package io.accountlifecycle.service.personal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One AES-GCM data key per account, stored wrapped by the master key in {@code account_data_key}. Unwrapped keys are
 * cached for a bounded time (a key this instance created, for a couple of seconds); a key created inside a
 * transaction enters the cache only after that transaction commits, so a rolled-back open can never leave a key in
 * memory that the database does not have.
 */
public class DataKeyStore {

    private final JdbcTemplate jdbc;
    private final Aead masterKey;
    private final Cache<String, Aead> cache;
    /**
     * Keys of accounts opened here, for the moments after their commit when the publication opens what was sealed
     * under them; apart from {@link #cache} and shorter-lived, so that every new account's key is not kept for minutes
     * (each survived many young collections, copied each time: most of what a pause copied under sign-up load). A key
     * asked for again later is read back and kept in {@link #cache}.
     */
    private final Cache<String, Aead> newKeys;
    /** New account keys this thread holds back ({@link #holdNewKeys()}), by key id. */
    private final ThreadLocal<Map<String, Seen>> held = new ThreadLocal<>();

    public DataKeyStore(JdbcTemplate jdbc, Aead masterKey, Duration cacheTtl, Duration newKeyCacheTtl) {
        this.jdbc = jdbc;
        this.masterKey = masterKey;
        this.cache = Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(100_000).build();
        Duration newKeyTtl = newKeyCacheTtl.compareTo(cacheTtl) < 0 ? newKeyCacheTtl : cacheTtl;
        this.newKeys = Caffeine.newBuilder().expireAfterWrite(newKeyTtl).maximumSize(100_000).build();
    }

    /** The key for {@code keyId}, created (in the caller's transaction) if the account has none yet. */
    public Aead getOrCreate(String keyId) {
        Aead cached = cached(keyId);
        if (cached != null) {
            return cached;
        }
        KeysetHandle candidate = newKeyset();
        byte[] wrapped = wrap(keyId, candidate);
        List<String> inserted = jdbc.queryForList(
                "insert into account_data_key (key_id, wrapped_key) values (?, ?) on conflict (key_id) do nothing "
                + "returning key_id", String.class, keyId, wrapped);
        Aead aead;
        boolean created = !inserted.isEmpty();
        if (created) {
            aead = primitive(keyId, candidate);
        } else {
            // Another delivery or request created it first (or it exists from before): use the stored one.
            wrapped = jdbc.queryForObject("select wrapped_key from account_data_key where key_id = ?",
                                          byte[].class, keyId);
            aead = unwrap(keyId, wrapped);
        }
        cacheAfterCommit(keyId, wrapped, aead, created);
        return aead;
    }

    /**
     * The key of an account being opened. While this thread holds new keys back ({@link #holdNewKeys()}) it is made
     * now and stored by {@link #writeHeldKeys()} with the others of the group, in one statement; otherwise, and when
     * the key is already in memory, as {@link #getOrCreate}.
     */
    public Aead getOrCreateForNewAccount(String keyId) {
        Map<String, Seen> holding = held.get();
        if (holding == null) {
            return getOrCreate(keyId);
        }
        Aead cached = cached(keyId);
        if (cached != null) {
            return cached;
        }
        Seen before = holding.get(keyId);
        if (before != null) {
            return before.aead();
        }
        KeysetHandle keyset = newKeyset();
        Seen key = new Seen(wrap(keyId, keyset), primitive(keyId, keyset), true);
        holding.put(keyId, key);
        return key.aead();
    }

    /**
     * Holds this thread's new account keys back until {@link #writeHeldKeys()} (the Kafka intake's poll); paired with
     * {@link #releaseHeldKeys()} in a finally block.
     */
    public void holdNewKeys() {
        if (held.get() != null) {
            throw new IllegalStateException("This thread already holds new keys back");
        }
        held.set(new LinkedHashMap<>());
    }

    /**
     * Stores the keys held back, in one statement in the caller's transaction; false when any of them existed already
     * (an account id used before, or opened meanwhile): then nothing sealed under the held keys may be kept, and the
     * caller rolls its savepoint back.
     */
    public boolean writeHeldKeys() {
        Map<String, Seen> holding = held.get();
        if (holding == null || holding.isEmpty()) {
            return true;
        }
        StringBuilder sql = new StringBuilder("insert into account_data_key (key_id, wrapped_key) values ");
        Object[] values = new Object[holding.size() * 2];
        int i = 0;
        for (Map.Entry<String, Seen> key : holding.entrySet()) {
            sql.append(i == 0 ? "" : ",").append("(?, ?)");
            values[i++] = key.getKey();
            values[i++] = key.getValue().wrapped();
        }
        sql.append(" on conflict (key_id) do nothing");
        boolean all = jdbc.update(sql.toString(), values) == holding.size();
        if (all) {
            holding.forEach((keyId, key) -> cacheAfterCommit(keyId, key.wrapped(), key.aead(), true));
        }
        holding.clear();
        return all;
    }

    /** Stops holding new keys back; keys still held are dropped, never stored or cached. */
    public void releaseHeldKeys() {
        held.remove();
    }

    /** The key for {@code keyId}, or empty once it was destroyed (or never existed). */
    public Optional<Aead> find(String keyId) {
        Aead cached = cached(keyId);
        if (cached != null) {
            return Optional.of(cached);
        }
        List<byte[]> rows = jdbc.queryForList("select wrapped_key from account_data_key where key_id = ?",
                                              byte[].class, keyId);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Aead aead = unwrap(keyId, rows.get(0));
        cacheAfterCommit(keyId, rows.get(0), aead, false);
        return Optional.of(aead);
    }

    /**
     * Deletes the key for good; this instance forgets it now and again after the transaction ends, and every other
     * instance when the transaction commits ({@value DataKeyDestructionListener#CHANNEL}, which PostgreSQL delivers
     * only on commit).
     */
    public void destroy(String keyId) {
        jdbc.update("delete from account_data_key where key_id = ?", keyId);
        jdbc.queryForList("select pg_notify(?, ?)", DataKeyDestructionListener.CHANNEL, keyId);
        forget(keyId);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    forget(keyId);
                }
            });
        }
    }

    /** Another instance destroyed this key: forget it now, not when its time in memory is up. */
    void forget(String keyId) {
        cache.invalidate(keyId);
        newKeys.invalidate(keyId);
    }

    /** Destructions may have been missed (no listener was connected): forget every key. */
    void forgetAll() {
        cache.invalidateAll();
        newKeys.invalidateAll();
    }

    /** Whether this instance holds the key in memory (tests). */
    public boolean holds(String keyId) {
        return cached(keyId) != null;
    }

    private Aead cached(String keyId) {
        Aead key = cache.getIfPresent(keyId);
        return key != null ? key : newKeys.getIfPresent(keyId);
    }

    private void keep(String keyId, Aead aead, boolean created) {
        (created ? newKeys : cache).put(keyId, aead);
    }

    /**
     * A key seen inside a transaction is cached only once that transaction committed and the committed row is this
     * very key: a savepoint that rolled back (a rejected command in a Kafka batch or a group commit) may have taken the
     * row with it, and sealing with a cached key the database does not have would lose the data for good. A key this
     * transaction created is cached as it is when no savepoint was rolled back since (nobody else could have seen,
     * let alone destroyed, a row that did not exist before this commit); every other key is checked, all in one
     * query after the commit, not one query per key. Opening an account costs no read of its key.
     */
    private void cacheAfterCommit(String keyId, byte[] wrapped, Aead aead, boolean created) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            keep(keyId, aead, created);
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Seen> seen = (Map<String, Seen>) TransactionSynchronizationManager.getResource(this);
        if (seen == null) {
            Map<String, Seen> keys = new LinkedHashMap<>();
            TransactionSynchronizationManager.bindResource(this, keys);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                private boolean savepointRolledBack;

                @Override
                public void savepointRollback(Object savepoint) {
                    savepointRolledBack = true;
                }

                @Override
                public void afterCommit() {
                    cacheCommitted(keys, savepointRolledBack);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(DataKeyStore.this);
                }
            });
            seen = keys;
        }
        seen.merge(keyId, new Seen(wrapped, aead, created),
                   (before, now) -> new Seen(now.wrapped(), now.aead(), before.created() || now.created()));
    }

    private void cacheCommitted(Map<String, Seen> keys, boolean savepointRolledBack) {
        Map<String, Seen> toCheck = keys;
        if (!savepointRolledBack) {
            toCheck = new LinkedHashMap<>();
            for (Map.Entry<String, Seen> key : keys.entrySet()) {
                if (key.getValue().created()) {
                    newKeys.put(key.getKey(), key.getValue().aead());
                } else {
                    toCheck.put(key.getKey(), key.getValue());
                }
            }
            if (toCheck.isEmpty()) {
                return;
            }
        }
        Map<String, Seen> checked = toCheck;
        jdbc.query("select key_id, wrapped_key from account_data_key where key_id = any(?)", row -> {
            Seen key = checked.get(row.getString(1));
            if (key != null && Arrays.equals(row.getBytes(2), key.wrapped())) {
                keep(row.getString(1), key.aead(), key.created());
            }
        }, (Object) checked.keySet().toArray(String[]::new));
    }

    /** A key as this transaction saw it, and whether this transaction inserted it. */
    private record Seen(byte[] wrapped, Aead aead, boolean created) {
    }

    private static KeysetHandle newKeyset() {
        try {
            return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a data key", e);
        }
    }

    private byte[] wrap(String keyId, KeysetHandle keyset) {
        try {
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, masterKey, associatedData(keyId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot wrap the data key of " + keyId, e);
        }
    }

    private static Aead primitive(String keyId, KeysetHandle keyset) {
        try {
            return keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot use the data key of " + keyId, e);
        }
    }

    private Aead unwrap(String keyId, byte[] wrapped) {
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, masterKey, associatedData(keyId))
                                        .getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot unwrap the data key of " + keyId
                    + ": was it wrapped by another master key?", e);
        }
    }

    static byte[] associatedData(String keyId) {
        return ("account-data-key:" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
