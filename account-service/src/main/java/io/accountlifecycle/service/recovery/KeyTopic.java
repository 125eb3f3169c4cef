package io.accountlifecycle.service.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.personal.RecordAuthentication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code account.keys} as a restore and {@code verify} read it: only what verifies counts. Keys starting {@code __} are
 * the topic's own markers and are passed over, except {@value RecordAuthentication#RETIRED_KEYS_RECORD}, which adds the
 * MAC keys of retired master keys.
 */
final class KeyTopic {

    private final TopicReader topics;
    private final ObjectMapper json = new ObjectMapper();

    KeyTopic(TopicReader topics) {
        this.topics = topics;
    }

    /** What verifies records, and the retired-keys records that were refused (each named). */
    record Authentication(RecordAuthentication authentication, List<Refusal> refusals) {
    }

    /**
     * The master keyset's authentication plus the retired keys of the latest {@value
     * RecordAuthentication#RETIRED_KEYS_RECORD} record that verifies and opens (a compacted topic keeps the latest, and
     * a rotation writes every retired key into it).
     */
    Authentication withRetiredKeys(RecordAuthentication current) {
        List<Refusal> refusals = new ArrayList<>();
        byte[][] latest = {null};
        topics.readAll(KafkaTopics.KEYS, record -> {
            if (record.key() == null || !RecordAuthentication.RETIRED_KEYS_RECORD.equals(
                    new String(record.key(), StandardCharsets.UTF_8))) {
                return;
            }
            RecordAuthentication.Verdict verdict = current.verify(record.topic(), record.key(), record.value(),
                                                                  record.headers());
            if (!verdict.authentic()) {
                refusals.add(new Refusal(RecordLocation.of(record), verdict.reason()));
                return;
            }
            try {
                current.withRetiredKeysRecord(record.value());
                latest[0] = record.value();
            } catch (GeneralSecurityException | RuntimeException e) {
                refusals.add(new Refusal(RecordLocation.of(record), "retired MAC keys that the master keyset cannot "
                                                                    + "open: " + e.getMessage()));
            }
        });
        if (latest[0] == null) {
            return new Authentication(current, refusals);
        }
        try {
            return new Authentication(current.withRetiredKeysRecord(latest[0]), refusals);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e); // opened above
        }
    }

    /**
     * One key id's records that count: the latest authenticated key (null when none), an authenticated tombstone after
     * it (null when none), and a refused record after both (null when none), which compaction would keep in their
     * place.
     */
    record KeyState(byte[] wrappedKey, RecordLocation tombstone, Refusal refusedAfter) {
    }

    /** Per key id, what counts; and every record refused. */
    record Keys(Map<String, KeyState> byKeyId, List<Refusal> refusals) {
    }

    /**
     * Every data-key record up to the topic's end now, checked. A refused record is listed and changes nothing else:
     * the key keeps what its authenticated records say.
     */
    Keys read(RecordAuthentication authentication) {
        Map<String, KeyState> keys = new HashMap<>();
        List<Refusal> refusals = new ArrayList<>();
        topics.readAll(KafkaTopics.KEYS, record -> {
            String keyId = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (keyId != null && keyId.startsWith("__")) {
                return;
            }
            RecordAuthentication.Verdict verdict = authentication.verify(record.topic(), record.key(),
                                                                         record.value(), record.headers());
            byte[] wrapped = null;
            String refused = null;
            if (!verdict.authentic()) {
                refused = verdict.reason();
            } else if (keyId == null) {
                refused = "unreadable: a record without a key";
            } else if (record.value() != null) {
                wrapped = wrappedKey(record.value());
                refused = wrapped == null ? "unreadable: not a wrapped data key" : null;
            }
            RecordLocation location = RecordLocation.of(record);
            KeyState before = keyId == null ? null : keys.get(keyId);
            byte[] wrappedBefore = before == null ? null : before.wrappedKey();
            if (refused != null) {
                Refusal refusal = new Refusal(location, refused);
                refusals.add(refusal);
                if (keyId != null) {
                    keys.put(keyId, new KeyState(wrappedBefore, before == null ? null : before.tombstone(), refusal));
                }
            } else if (wrapped == null) {
                keys.put(keyId, new KeyState(wrappedBefore, location, null));
            } else {
                keys.put(keyId, new KeyState(wrapped, null, null));
            }
        });
        return new Keys(keys, refusals);
    }

    private byte[] wrappedKey(byte[] value) {
        try {
            JsonNode wrapped = json.readTree(value).get("wrappedKey");
            return wrapped == null || !wrapped.isTextual() ? null : Base64.getDecoder().decode(wrapped.asText());
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
