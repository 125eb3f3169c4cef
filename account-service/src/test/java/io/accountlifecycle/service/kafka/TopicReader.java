package io.accountlifecycle.service.kafka;

import io.accountlifecycle.testsupport.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/** Reads whole topics of the shared test broker from the beginning, and writes raw records to it, as a client would. */
public final class TopicReader implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    public TopicReader(String topic) {
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", TestInfrastructure.kafka().bootstrapServers(),
                                              "enable.auto.commit", false),
                                       new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                                                  .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Every record read so far plus whatever arrives within a short poll, in partition order. */
    public List<ConsumerRecord<String, String>> poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return List.copyOf(seen);
    }

    public List<JsonNode> values(Predicate<JsonNode> filter) {
        return poll().stream().map(r -> JSON.readTree(r.value())).filter(filter).toList();
    }

    public static JsonNode json(String value) {
        return JSON.readTree(value);
    }

    public static void send(String topic, String key, byte[] value) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                "bootstrap.servers", TestInfrastructure.kafka().bootstrapServers(), "acks", "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
