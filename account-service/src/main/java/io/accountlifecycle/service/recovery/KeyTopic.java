package io.accountlifecycle.service.recovery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.personal.RecordAuthentication;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code account.keys} as a restore and {@code verify} read it, in one pass: only what verifies counts. Keys starting
 * {@code __} are the topic's own markers and are passed over, except {@value RecordAuthentication#RETIRED_KEYS_RECORD},
 * which adds the MAC keys of retired master keys. Records tagged by a master key the keyset does not hold are checked
 * once the pass has found that record (a rotation writes it after them): until a rotation's re-published keys have
 * replaced them, they are held in memory.
 */
final class KeyTopic {

    /** As {@link EnvelopeRow}'s: buffers from a pool of its own. */
    private static final JsonFactory JSON = JsonFactory.builder()
                                                       .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                                                       .build();

    private final TopicReader topics;

    KeyTopic(TopicReader topics) {
        this.topics = topics;
    }

    /**
     * One key id's records that count: the latest authenticated key (null when none), an authenticated tombstone after
     * it (null when none), a refused record after both (null when none), which compaction would keep in their place,
     * and the offset of the last of these.
     */
    record KeyState(byte[] wrappedKey, RecordLocation tombstone, Refusal refusedAfter, long offset) {
    }

    /**
     * What verifies records (the master keyset's keys and the retired ones the topic names), per key id what counts,
     * every record refused, and among them the refused retired-keys records.
     */
    record Keys(RecordAuthentication authentication, Map<String, KeyState> byKeyId, List<Refusal> refusals,
                List<Refusal> retiredKeysRefusals) {
    }

    /** Every record up to the topic's end now, checked. A refused record changes no key. */
    Keys read(RecordAuthentication masterKeyset) {
        Map<String, KeyState> keys = new HashMap<>();
        List<Refusal> refusals = new ArrayList<>();
        List<Refusal> retiredKeysRefusals = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> byUnknownKey = new ArrayList<>();
        byte[][] retiredKeys = {null};
        topics.readAll(KafkaTopics.KEYS, record -> {
            String keyId = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (RecordAuthentication.RETIRED_KEYS_RECORD.equals(keyId)) {
                String refused = retiredKeysRefusal(masterKeyset, record);
                if (refused == null) {
                    retiredKeys[0] = record.value(); // the latest wins, as compaction would have it
                } else {
                    refusals.add(new Refusal(RecordLocation.of(record), refused));
                    retiredKeysRefusals.add(refusals.get(refusals.size() - 1));
                }
                return;
            }
            if (keyId != null && keyId.startsWith("__")) {
                return;
            }
            RecordAuthentication.Verdict verdict = masterKeyset.verify(record.topic(), record.key(), record.value(),
                                                                       record.headers());
            if (verdict.outcome() == RecordAuthentication.Outcome.UNKNOWN_KEY) {
                byUnknownKey.add(record);
            } else {
                apply(record, keyId, verdict, keys, refusals);
            }
        });
        RecordAuthentication authentication = masterKeyset;
        if (retiredKeys[0] != null) {
            try {
                authentication = masterKeyset.withRetiredKeysRecord(retiredKeys[0]);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e); // opened once already
            }
        }
        for (ConsumerRecord<byte[], byte[]> record : byUnknownKey) {
            String keyId = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            RecordAuthentication.Verdict verdict = authentication.verify(record.topic(), record.key(),
                                                                         record.value(), record.headers());
            KeyState now = keyId == null ? null : keys.get(keyId);
            if (now != null && now.offset() > record.offset()) {
                if (!verdict.authentic()) {
                    refusals.add(new Refusal(RecordLocation.of(record), verdict.reason()));
                }
                continue; // a later record of the key was applied already
            }
            apply(record, keyId, verdict, keys, refusals);
        }
        return new Keys(authentication, keys, refusals, retiredKeysRefusals);
    }

    private static void apply(ConsumerRecord<byte[], byte[]> record, String keyId,
                              RecordAuthentication.Verdict verdict, Map<String, KeyState> keys,
                              List<Refusal> refusals) {
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
                keys.put(keyId, new KeyState(wrappedBefore, before == null ? null : before.tombstone(), refusal,
                                             record.offset()));
            }
        } else if (wrapped == null) {
            keys.put(keyId, new KeyState(wrappedBefore, location, null, record.offset()));
        } else {
            keys.put(keyId, new KeyState(wrapped, null, null, record.offset()));
        }
    }

    /** Null when the record verifies under the master keyset and opens with it. */
    private static String retiredKeysRefusal(RecordAuthentication masterKeyset, ConsumerRecord<byte[], byte[]> record) {
        RecordAuthentication.Verdict verdict = masterKeyset.verify(record.topic(), record.key(), record.value(),
                                                                   record.headers());
        if (!verdict.authentic()) {
            return verdict.reason();
        }
        try {
            masterKeyset.withRetiredKeysRecord(record.value());
            return null;
        } catch (GeneralSecurityException | RuntimeException e) {
            return "retired MAC keys that the master keyset cannot open: " + e.getMessage();
        }
    }

    /** The key of {@code {"keyId":…,"wrappedKey":"<base64>"}}; null when it is not that. */
    private static byte[] wrappedKey(byte[] value) {
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            byte[] wrapped = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals("wrappedKey") && token == JsonToken.VALUE_STRING) {
                    wrapped = Base64.getDecoder().decode(parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
            return wrapped;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
