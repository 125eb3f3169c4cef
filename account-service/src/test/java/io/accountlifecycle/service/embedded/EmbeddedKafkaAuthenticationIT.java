package io.accountlifecycle.service.embedded;

import io.accountlifecycle.service.kafka.KafkaTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded broker takes no anonymous client, and a product service may only send commands and read events and
 * results: the topics a restore trusts are written by the service alone.
 */
class EmbeddedKafkaAuthenticationIT {

    @TempDir
    Path dataDir;

    private EmbeddedKafkaServer start() {
        return EmbeddedKafkaServer.start(new EmbeddedKafkaProperties(dataDir.resolve("kafka"), 0, 0,
                                                                     dataDir.resolve("keys"), 0, null));
    }

    @Test
    void onlyTheServiceWritesTheTopicsARestoreTrusts() throws Exception {
        try (EmbeddedKafkaServer broker = start()) {
            Map<String, Object> service = client(broker, KafkaCredentials.SERVICE_USER);
            try (Admin admin = Admin.create(service)) {
                admin.createTopics(List.of(KafkaTopics.COMMANDS, KafkaTopics.EVENTS, KafkaTopics.KEYS,
                                           KafkaTopics.COMMAND_RESULTS).stream()
                                          .map(name -> new NewTopic(name, 1, (short) 1)).toList()).all().get();
            }
            try (var producer = producer(service)) {
                for (String topic : List.of(KafkaTopics.EVENTS, KafkaTopics.KEYS, KafkaTopics.COMMAND_RESULTS)) {
                    producer.send(new ProducerRecord<>(topic, "k", "from the service")).get();
                }
            }

            Map<String, Object> anonymous = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                                                                 "max.block.ms", 3000, "delivery.timeout.ms", 3000,
                                                                 "request.timeout.ms", 2000));
            try (var producer = producer(anonymous)) {
                for (String topic : List.of(KafkaTopics.COMMANDS, KafkaTopics.EVENTS, KafkaTopics.KEYS,
                                            KafkaTopics.COMMAND_RESULTS)) {
                    assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "anonymous")).get())
                            .as("anonymous write to " + topic).isInstanceOf(Exception.class);
                }
            }
            Map<String, Object> wrongPassword = new HashMap<>(client(broker, KafkaCredentials.PRODUCT_USER));
            wrongPassword.put("sasl.jaas.config", KafkaCredentials.scramJaas(KafkaCredentials.PRODUCT_USER, "guess"));
            try (var producer = producer(wrongPassword)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(KafkaTopics.COMMANDS, "k", "x")).get())
                        .hasRootCauseInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
            }

            Map<String, Object> product = client(broker, KafkaCredentials.PRODUCT_USER);
            try (var producer = producer(product)) {
                producer.send(new ProducerRecord<>(KafkaTopics.COMMANDS, "k", "a command")).get();
                for (String topic : List.of(KafkaTopics.EVENTS, KafkaTopics.KEYS, KafkaTopics.COMMAND_RESULTS)) {
                    assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "forged")).get())
                            .as("product-service writing " + topic)
                            .isInstanceOf(ExecutionException.class)
                            .hasCauseInstanceOf(TopicAuthorizationException.class);
                }
            }
            assertThat(read(product, KafkaTopics.EVENTS)).containsExactly("from the service");
            assertThat(read(product, KafkaTopics.COMMAND_RESULTS)).containsExactly("from the service");
            assertThatThrownBy(() -> read(product, KafkaTopics.KEYS)).as("product-service reading the data keys")
                                                                     .isInstanceOf(TopicAuthorizationException.class);
            Map<String, Object> productOnPlain = new HashMap<>(product);
            productOnPlain.put("bootstrap.servers", broker.plainBootstrapServers());
            productOnPlain.put("sasl.mechanism", "PLAIN");
            productOnPlain.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"product-service\" password=\""
                    + KafkaCredentials.password(dataDir.resolve("keys"), KafkaCredentials.PRODUCT_USER) + "\";");
            try (var producer = producer(productOnPlain)) {
                producer.send(new ProducerRecord<>(KafkaTopics.COMMANDS, "k", "a command over PLAIN")).get();
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(KafkaTopics.EVENTS, "k", "forged")).get())
                        .as("the PLAIN port has the same ACLs").hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            Map<String, Object> anonymousOnPlain = new HashMap<>(anonymous);
            anonymousOnPlain.put("bootstrap.servers", broker.plainBootstrapServers());
            try (var producer = producer(anonymousOnPlain)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(KafkaTopics.COMMANDS, "k", "x")).get())
                        .isInstanceOf(Exception.class);
            }
            assertThat(read(service, KafkaTopics.EVENTS)).as("nothing forged landed")
                                                         .containsExactly("from the service");
        }
        for (String user : List.of("account-service", "product-service", "broker", "controller")) {
            assertThat(Files.getPosixFilePermissions(dataDir.resolve("keys/kafka-" + user + ".password")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void aPlaintextBrokerFolderIsConvertedAndKeepsItsRecords() throws Exception {
        LegacyDataFolder.plaintextKafka(dataDir.resolve("kafka"), KafkaTopics.EVENTS, "k", "from before");
        try (EmbeddedKafkaServer broker = start()) {
            assertThat(read(client(broker, KafkaCredentials.SERVICE_USER), KafkaTopics.EVENTS))
                    .containsExactly("from before");
            Map<String, Object> anonymous = Map.of("bootstrap.servers", broker.bootstrapServers(),
                                                   "max.block.ms", 3000, "delivery.timeout.ms", 3000,
                                                   "request.timeout.ms", 2000);
            try (var producer = producer(anonymous)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(KafkaTopics.EVENTS, "k", "x")).get())
                        .isInstanceOf(Exception.class);
            }
        }
    }

    private Map<String, Object> client(EmbeddedKafkaServer broker, String user) {
        return Map.of("bootstrap.servers", broker.bootstrapServers(), "security.protocol", "SASL_PLAINTEXT",
                      "sasl.mechanism", KafkaCredentials.MECHANISM,
                      "sasl.jaas.config",
                      KafkaCredentials.scramJaas(user, KafkaCredentials.password(dataDir.resolve("keys"), user)),
                      "max.block.ms", 10000, "delivery.timeout.ms", 10000, "request.timeout.ms", 5000);
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> properties) {
        return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    private static List<String> read(Map<String, Object> properties, String topic) {
        Map<String, Object> consumer = new HashMap<>(properties);
        consumer.remove("max.block.ms");
        consumer.remove("delivery.timeout.ms");
        consumer.put("default.api.timeout.ms", 10000);
        try (var reader = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            long end = reader.endOffsets(List.of(partition)).get(partition);
            List<String> values = new ArrayList<>();
            while (reader.position(partition) < end) {
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }
}
