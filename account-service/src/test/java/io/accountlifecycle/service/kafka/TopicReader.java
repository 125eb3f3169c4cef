package io.accountlifecycle.service.kafka;

import io.accountlifecycle.testsupport.KafkaServer;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
        this(TestInfrastructure.kafka(), topic);
    }

    /** As {@link #TopicReader(String)}, on the broker {@code kafka}. */
    public TopicReader(KafkaServer kafka, String topic) {
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
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
        send(new ProducerRecord<>(topic, key, value));
    }

    /** A command as a product service sends it: {@code token} in header {@code authorization} (none when null). */
    public static void sendCommand(String key, String json, String token) {
        sendCommand(TestInfrastructure.kafka(), key, json, token);
    }

    /** As {@link #sendCommand(String, String, String)}, to the broker {@code kafka}. */
    public static void sendCommand(KafkaServer kafka, String key, String json, String token) {
        sendCommandAt(kafka, key, json, token);
    }

    /** As {@link #sendCommand(String, String, String)}: where the broker put the record. */
    public static RecordMetadata sendCommandAt(String key, String json, String token) {
        return sendCommandAt(TestInfrastructure.kafka(), key, json, token);
    }

    private static RecordMetadata sendCommandAt(KafkaServer kafka, String key, String json, String token) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(KafkaTopics.COMMANDS, key,
                                                                     json.getBytes(StandardCharsets.UTF_8));
        if (token != null) {
            record.headers().add("authorization", ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
        }
        return send(kafka, record);
    }

    private static void send(ProducerRecord<String, byte[]> record) {
        send(TestInfrastructure.kafka(), record);
    }

    private static RecordMetadata send(KafkaServer kafka, ProducerRecord<String, byte[]> record) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                "bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            return producer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Consumer group {@code group} starts where {@code topic} ends now: what other tests sent to the shared broker
     * before is theirs.
     */
    public static void startGroupAtEnd(String group, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.kafka().bootstrapServers()))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return; // no test has sent anything yet
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                 .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get()
                 .forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
