package io.accountlifecycle.service.kafka.publication;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.personal.RecordAuthentication;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Records for the topics a restore trusts, each with its authentication tag. The tag covers the bytes the producer's
 * {@code StringSerializer} writes (UTF-8), so a restore that reads raw bytes verifies exactly what is on the broker.
 */
public final class TaggedRecords {

    private static final ObjectMapper JSON = EventStoreConfiguration.axonObjectMapper();

    private final RecordAuthentication authentication;

    public TaggedRecords(RecordAuthentication authentication) {
        this.authentication = authentication;
    }

    /** A record for {@code topic} (to {@code partition}, or by key when null); a null value is a tombstone. */
    public ProducerRecord<String, String> record(String topic, Integer partition, String key, String value) {
        RecordHeaders headers = new RecordHeaders();
        authentication.sign(topic, bytes(key), bytes(value), headers);
        return new ProducerRecord<>(topic, partition, key, value, headers);
    }

    /** A data key, wrapped by the master key, as {@code account.keys} carries it (the publisher's and a rotation's). */
    public ProducerRecord<String, String> dataKey(String keyId, byte[] wrapped) {
        try {
            return record(KafkaTopics.KEYS, null, keyId, JSON.writeValueAsString(
                    new AccountEventPublisher.WrappedDataKey(keyId, Base64.getEncoder().encodeToString(wrapped))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the data key record of " + keyId, e);
        }
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
