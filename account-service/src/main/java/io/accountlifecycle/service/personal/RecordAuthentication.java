package io.accountlifecycle.service.personal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.subtle.Hkdf;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The authentication tag every record the service writes to {@code account.events} and {@code account.keys} carries,
 * so that a restore can tell the service's records from anything else a producer put there: a forged envelope would
 * otherwise be written back as history, and a forged tombstone would crypto-shred a live account in the backup.
 * <p>
 * The tag is an HMAC-SHA256 in header {@value #HEADER}, {@code v1.<master key id>.<base64url, no padding>}, under a key
 * derived from a master key (HKDF-SHA256 of its raw AES key, no salt, info {@code account-service/record-mac/v1}):
 * whoever may tag records could also open every personal field, so no new secret has to be kept. It covers the topic
 * (a record replayed onto the other topic fails), the key, the value (a tombstone differs from an empty value) and
 * every other header in record order, each length-prefixed:
 * <pre>
 * field(topic) field(key) field(value) { field(header name) field(header value) }*
 * field(x) = 4-byte big-endian length, then x's bytes; null = length -1 and no bytes; text in UTF-8
 * </pre>
 * Records are tagged with the primary master key. A tag verifies under any key this instance knows: every key of the
 * current master keyset, and retired keys. After a master-key rotation the retired master key is destroyed, yet records
 * it tagged must still verify: the rotation publishes their MAC keys, wrapped by the current master keyset, as record
 * {@value #RETIRED_KEYS_RECORD} on {@code account.keys} ({@link #retiredKeysRecordValue}).
 * <p>
 * Immutable and thread-safe; needs no Spring (a restore and a rotation command use it as they are).
 */
public final class RecordAuthentication {

    /** The header that carries the tag. */
    public static final String HEADER = "x-account-mac";
    /** The key, on {@code account.keys}, of the record that carries retired MAC keys. */
    public static final String RETIRED_KEYS_RECORD = "__record-mac-keys";

    private static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    private static final int TAG_LENGTH = 32;
    private static final byte[] DERIVATION_INFO = "account-service/record-mac/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RETIRED_KEYS_ASSOCIATED_DATA = "account-record-mac-keys"
            .getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long primaryKeyId;
    /** Per master key id: an initialised MAC, cloned for each use (cheaper than a new instance and its key setup). */
    private final Map<Long, Mac> macs;
    private final Aead masterKey;

    private RecordAuthentication(long primaryKeyId, Map<Long, Mac> macs, Aead masterKey) {
        this.primaryKeyId = primaryKeyId;
        this.macs = Collections.unmodifiableMap(macs);
        this.masterKey = masterKey;
    }

    /** Tags with the keyset's primary key; verifies under any of its keys. */
    public static RecordAuthentication of(KeysetHandle masterKeyset) {
        try {
            AeadConfig.register();
            Aead aead = masterKeyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
            Map<Long, Mac> macs = new HashMap<>();
            macKeys(masterKeyset).forEach((id, key) -> macs.put(id, mac(key)));
            return new RecordAuthentication(Integer.toUnsignedLong(masterKeyset.getPrimary().getId()), macs, aead);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The master keyset cannot authenticate records: " + e.getMessage(), e);
        }
    }

    /** The MAC key of every master key of the keyset, by master key id (unsigned). */
    public static Map<Long, byte[]> macKeys(KeysetHandle masterKeyset) throws GeneralSecurityException {
        Map<Long, byte[]> keys = new TreeMap<>();
        for (int i = 0; i < masterKeyset.size(); i++) {
            KeysetHandle.Entry entry = masterKeyset.getAt(i);
            if (!(entry.getKey() instanceof AesGcmKey aes)) {
                throw new GeneralSecurityException("master key " + Integer.toUnsignedString(entry.getId())
                                                   + " is not an AES-GCM key");
            }
            keys.put(Integer.toUnsignedLong(entry.getId()),
                     macKey(aes.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get())));
        }
        return keys;
    }

    /** The MAC key derived from one master key's raw AES key bytes. */
    public static byte[] macKey(byte[] masterKeyBytes) throws GeneralSecurityException {
        return Hkdf.computeHkdf(ALGORITHM, masterKeyBytes, new byte[0], DERIVATION_INFO, 32);
    }

    /**
     * These retired MAC keys as well, by the id of the master key they came from; a key of the current keyset keeps
     * its own (a retired record cannot replace a key the keyset holds).
     */
    public RecordAuthentication withRetiredKeys(Map<Long, byte[]> retired) {
        Map<Long, Mac> all = new HashMap<>();
        retired.forEach((id, key) -> all.put(id, mac(key)));
        all.putAll(macs);
        return new RecordAuthentication(primaryKeyId, all, masterKey);
    }

    /** {@link #withRetiredKeys} from the value of a {@value #RETIRED_KEYS_RECORD} record, opened with the master key. */
    public RecordAuthentication withRetiredKeysRecord(byte[] recordValue) throws GeneralSecurityException {
        return withRetiredKeys(retiredKeys(masterKey, recordValue));
    }

    /** The master key id records are tagged with now. */
    public long primaryKeyId() {
        return primaryKeyId;
    }

    /** The master key ids whose tags verify. */
    public Set<Long> knownKeyIds() {
        return macs.keySet();
    }

    /** The tag, as header value, of a record with these bytes and these other headers (any tag header is left out). */
    public byte[] tag(String topic, byte[] key, byte[] value, Iterable<Header> headers) {
        byte[] mac = compute(macs.get(primaryKeyId), topic, key, value, headers);
        return (VERSION + "." + primaryKeyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac))
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Replaces any tag in {@code headers} with this record's. */
    public void sign(String topic, byte[] key, byte[] value, Headers headers) {
        headers.remove(HEADER);
        headers.add(HEADER, tag(topic, key, value, headers));
    }

    /** What a check found. */
    public enum Outcome {
        AUTHENTIC,
        /** No tag header. */
        UNTAGGED,
        /** Not one tag header of the form {@code v1.<id>.<mac>}. */
        MALFORMED,
        /** Tagged by a master key this instance does not know (retired keys not loaded yet, or a stranger's). */
        UNKNOWN_KEY,
        /** The MAC does not match: the record is not as the service wrote it. */
        MISMATCH
    }

    /** Whether a record as read verifies, and if not, why not (in words an operator can act on). */
    public record Verdict(Outcome outcome, String reason) {
        static final Verdict AUTHENTIC = new Verdict(Outcome.AUTHENTIC, null);

        public boolean authentic() {
            return outcome == Outcome.AUTHENTIC;
        }
    }

    /** Checks the record's one tag against the key it names. */
    public Verdict verify(String topic, byte[] key, byte[] value, Iterable<Header> headers) {
        byte[] tag = null;
        for (Header header : headers) {
            if (HEADER.equals(header.key())) {
                if (tag != null) {
                    return new Verdict(Outcome.MALFORMED, "more than one " + HEADER + " header");
                }
                tag = header.value() == null ? new byte[0] : header.value();
            }
        }
        if (tag == null) {
            return new Verdict(Outcome.UNTAGGED, "untagged: no " + HEADER + " header");
        }
        String[] parts = new String(tag, StandardCharsets.US_ASCII).split("\\.", -1);
        long keyId;
        byte[] claimed;
        try {
            if (parts.length != 3 || !VERSION.equals(parts[0]) || parts[1].isEmpty()
                || !parts[1].chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not v1.<key id>.<mac>");
            }
            keyId = Long.parseLong(parts[1]);
            claimed = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return new Verdict(Outcome.MALFORMED, "malformed " + HEADER + " header");
        }
        Mac mac = macs.get(keyId);
        if (mac == null) {
            return new Verdict(Outcome.UNKNOWN_KEY, "tagged by master key " + keyId + ", which this master keyset "
                                                    + "does not hold and no " + RETIRED_KEYS_RECORD + " record names");
        }
        if (claimed.length != TAG_LENGTH || !MessageDigest.isEqual(claimed, compute(mac, topic, key, value, headers))) {
            return new Verdict(Outcome.MISMATCH, "tag does not verify: the record is not as the service wrote it");
        }
        return Verdict.AUTHENTIC;
    }

    /**
     * The value of a {@value #RETIRED_KEYS_RECORD} record: {@code {"wrapped":"<base64>"}}, the JSON
     * {@code [{"masterKeyId":<id>,"macKey":"<base64>"},…]} encrypted by {@code master} with associated data
     * {@code account-record-mac-keys}. The record itself is tagged like any other.
     */
    public static String retiredKeysRecordValue(Aead master, Map<Long, byte[]> macKeys)
            throws GeneralSecurityException {
        ArrayNode list = JSON.createArrayNode();
        new TreeMap<>(macKeys).forEach((id, key) -> list.addObject().put("masterKeyId", id)
                                                      .put("macKey", Base64.getEncoder().encodeToString(key)));
        byte[] wrapped;
        try {
            wrapped = master.encrypt(JSON.writeValueAsBytes(list), RETIRED_KEYS_ASSOCIATED_DATA);
            return JSON.writeValueAsString(Map.of("wrapped", Base64.getEncoder().encodeToString(wrapped)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The retired MAC keys a {@value #RETIRED_KEYS_RECORD} record carries, by master key id. */
    public static Map<Long, byte[]> retiredKeys(Aead master, byte[] recordValue) throws GeneralSecurityException {
        try {
            JsonNode wrapped = JSON.readTree(recordValue).get("wrapped");
            if (wrapped == null || !wrapped.isTextual()) {
                throw new GeneralSecurityException("no \"wrapped\" field");
            }
            byte[] plaintext = master.decrypt(Base64.getDecoder().decode(wrapped.asText()),
                                              RETIRED_KEYS_ASSOCIATED_DATA);
            Map<Long, byte[]> keys = new LinkedHashMap<>();
            for (JsonNode entry : JSON.readTree(plaintext)) {
                keys.put(entry.get("masterKeyId").asLong(), Base64.getDecoder().decode(entry.get("macKey").asText()));
            }
            return keys;
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new GeneralSecurityException("unreadable " + RETIRED_KEYS_RECORD + " record: " + e.getMessage(), e);
        }
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    private static byte[] compute(Mac prototype, String topic, byte[] key, byte[] value, Iterable<Header> headers) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(ALGORITHM + " of this JDK's provider cannot be cloned", e);
        }
        field(mac, topic.getBytes(StandardCharsets.UTF_8));
        field(mac, key);
        field(mac, value);
        for (Header header : headers) {
            if (!HEADER.equals(header.key())) {
                field(mac, header.key().getBytes(StandardCharsets.UTF_8));
                field(mac, header.value());
            }
        }
        return mac.doFinal();
    }

    private static void field(Mac mac, byte[] bytes) {
        int length = bytes == null ? -1 : bytes.length;
        mac.update((byte) (length >>> 24));
        mac.update((byte) (length >>> 16));
        mac.update((byte) (length >>> 8));
        mac.update((byte) length);
        if (bytes != null) {
            mac.update(bytes);
        }
    }
}
