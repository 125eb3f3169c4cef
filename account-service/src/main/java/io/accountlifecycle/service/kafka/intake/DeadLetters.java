package io.accountlifecycle.service.kafka.intake;

import io.accountlifecycle.service.kafka.KafkaTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends records to {@code account.commands.dlt} with the bytes product services sent, exactly, whatever their
 * encoding, and the reason in header {@code x-dlt-reason}. None of the original record's headers is copied: its
 * {@code authorization} header is a bearer token, which must not live on in a topic kept for days. Its own producer:
 * a second template bean would switch off the one Boot configures for everything else.
 */
@Component
class DeadLetters implements DisposableBean {

    static final String REASON_HEADER = "x-dlt-reason";

    private final DefaultKafkaProducerFactory<String, byte[]> producers;
    private final KafkaTemplate<String, byte[]> template;

    DeadLetters(KafkaProperties kafka, KafkaConnectionDetails connection,
                @Value("${account.kafka.producer-close-timeout:PT30S}") Duration closeTimeout) {
        Map<String, Object> producer = kafka.buildProducerProperties();
        // The broker Boot connects to (the embedded default's on its configured port, too), not spring.kafka's default.
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getProducer().getBootstrapServers());
        this.producers = new DefaultKafkaProducerFactory<>(producer, new StringSerializer(), new ByteArraySerializer());
        this.producers.setPhysicalCloseTimeout((int) Math.max(1, closeTimeout.toSeconds()));
        this.template = new KafkaTemplate<>(producers);
    }

    CompletableFuture<?> send(ConsumerRecord<String, byte[]> record, String reason) {
        // A new record, not record.headers() passed on: see the class comment.
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(KafkaTopics.COMMANDS_DLT, record.key(),
                                                                   record.value());
        dead.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add("x-original-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add("x-original-partition",
                           Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add("x-original-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        return template.send(dead);
    }

    @Override
    public void destroy() {
        producers.destroy();
    }
}
