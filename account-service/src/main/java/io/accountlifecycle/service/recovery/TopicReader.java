package io.accountlifecycle.service.recovery;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the service's topics for a restore: with the service's own consumer settings but no consumer group (nothing is
 * committed to the broker; progress is the restore's own), large fetches, and at most a page of records per poll.
 */
final class TopicReader {

    private final Map<String, Object> consumerProperties;
    private final int page;

    TopicReader(Map<String, Object> consumerProperties, int page) {
        this.consumerProperties = consumerProperties;
        this.page = page;
    }

    KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> properties = new HashMap<>(consumerProperties);
        properties.remove("group.id");
        properties.remove("group.protocol");
        properties.put("enable.auto.commit", false);
        properties.put("max.poll.records", page);
        properties.put("fetch.max.bytes", 64 * 1024 * 1024);
        properties.put("max.partition.fetch.bytes", 16 * 1024 * 1024);
        return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " not found on the broker");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /**
     * The latest value of every key of a compacted topic up to its end when the read began (null: a tombstone not yet
     * compacted away), leaving out the topic's own segment-roll markers ({@code __…}).
     */
    Map<String, byte[]> latestByKey(String topic) {
        Map<String, byte[]> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))
                        && !record.key().startsWith("__")) {
                        latest.put(record.key(), record.value());
                    }
                }
            }
        }
        return latest;
    }
}
