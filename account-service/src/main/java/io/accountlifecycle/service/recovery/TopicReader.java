package io.accountlifecycle.service.recovery;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the service's topics for a restore or a verify: with the service's own consumer settings but no consumer group
 * (nothing is committed to the broker; progress is the restore's own), large fetches, at most a page of records per
 * poll, and keys and values as the bytes on the broker, which is what their authentication tags cover.
 */
final class TopicReader {

    private final Map<String, Object> consumerProperties;
    private final int page;

    TopicReader(Map<String, Object> consumerProperties, int page) {
        this.consumerProperties = consumerProperties;
        this.page = page;
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> properties = new HashMap<>(consumerProperties);
        properties.remove("group.id");
        properties.remove("group.protocol");
        properties.put("enable.auto.commit", false);
        properties.put("max.poll.records", page);
        properties.put("fetch.max.bytes", 64 * 1024 * 1024);
        properties.put("max.partition.fetch.bytes", 16 * 1024 * 1024);
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " not found on the broker");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** Every record of {@code topic} up to its end when the read began, each partition in offset order. */
    void readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        KafkaConsumer<byte[], byte[]> consumer = consumer();
        try {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                    }
                }
            }
        } finally {
            close(consumer);
        }
    }

    /**
     * Closes without waiting: there is no group to leave and no offset to commit, only fetch sessions, which the broker
     * forgets by itself (the default close waited half a second for their goodbyes).
     */
    static void close(KafkaConsumer<?, ?> consumer) {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
}
