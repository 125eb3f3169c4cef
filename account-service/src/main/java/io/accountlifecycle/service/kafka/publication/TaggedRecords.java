package io.accountlifecycle.service.kafka.publication;

import io.accountlifecycle.service.personal.RecordAuthentication;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Records for the topics a restore trusts, each with its authentication tag. The tag covers the bytes the producer's
 * {@code StringSerializer} writes (UTF-8), so a restore that reads raw bytes verifies exactly what is on the broker.
 */
public final class TaggedRecords {

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

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
