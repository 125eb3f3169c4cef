package io.accountlifecycle.service.kafka.intake;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

@Configuration(proxyBeanMethods = false)
class KafkaIntakeConfiguration {

    /** The polls whose results are on their way to the broker, each given 30 s to be acknowledged (as before). */
    @Bean
    InFlightResults inFlightResults() {
        return new InFlightResults(Duration.ofSeconds(30));
    }

    /**
     * Raw bytes in (a record that is not JSON is the intake's to dead-letter, not the deserializer's to choke on),
     * manual offset commits after each batch, and a batch that fails for infrastructure reasons retried for as long as
     * it takes: nothing is skipped while the database is away.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> commandIntakeContainerFactory(
            KafkaProperties kafka, KafkaConnectionDetails connection, InFlightResults inFlight,
            @Value("${account.kafka.intake.concurrency:1}") int concurrency,
            @Value("${account.kafka.intake.poll-timeout:1s}") Duration pollTimeout) {
        Map<String, Object> consumer = kafka.buildConsumerProperties();
        // The broker Boot connects to (the embedded default's on its configured port, too), not spring.kafka's default.
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getConsumer().getBootstrapServers());
        consumer.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        consumer.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        consumer.put("enable.auto.commit", false);
        consumer.putIfAbsent("group.id", "account-service");
        consumer.putIfAbsent("auto.offset.reset", "earliest");
        consumer.putIfAbsent("max.poll.records", 200);
        // An idle consumer's fetch waits at the broker up to this long (it returns as soon as a record arrives): with
        // Kafka's 500 ms, four idle consumers per instance kept the embedded broker's request threads busy all day.
        consumer.putIfAbsent("fetch.max.wait.ms", 5_000);
        var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(consumer));
        factory.setBatchListener(true);
        // Consumers of their own partitions, each with its polls' transactions; an account's commands stay on one
        // partition. One by default: at a steady rate the records then come in fewer, larger polls, each with one
        // transaction, one wait for its results' acknowledgements and one offset commit, and on two cores that saved
        // CPU halved the wait for an event (500 commands/s: p50 79 -> 36 ms, p99 278 -> 157 ms). More consumers
        // overlap one poll's round trips with another's work: a burst went 17 % faster with four (ADR 14).
        factory.setConcurrency(Math.max(1, concurrency));
        // A poll's offsets are acknowledged by the intake once the broker took its results and every earlier poll's
        // were acknowledged (InFlightResults), from the producer's thread; the container commits them, synchronously,
        // at the start of its next loop. Before partitions are handed over (a rebalance, the consumer closing) the
        // last poll's acknowledgement is awaited, so its offsets are committed with the others.
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.MANUAL);
        factory.getContainerProperties().setConsumerRebalanceListener(new ConsumerAwareRebalanceListener() {
            @Override
            public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer,
                                                        Collection<TopicPartition> partitions) {
                // A last poll that failed: the partitions handed over are delivered again to their new owner; those
                // kept (a revocation of some of them) are sought back here, or the next poll would go on past it.
                inFlight.awaitLast().forEach((partition, offset) -> {
                    if (!partitions.contains(partition) && consumer.assignment().contains(partition)) {
                        consumer.seek(partition, offset);
                    }
                });
            }

            @Override
            public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                // Already another member's: nothing of this one's to commit, nor to wait for.
                inFlight.forgetLast();
            }
        });
        // KIP-848's consumer (AsyncKafkaConsumer, kafka-clients 4.2) sends a fetch only when poll() is called, and a
        // fetch that comes back empty does not end the poll's wait (KAFKA-19259, KAFKA-20780): until that poll times
        // out no fetch is in flight, and records that arrive wait. With Spring's 5 s poll timeout commands waited up
        // to 5 s whenever an idle fetch (fetch.max.wait.ms) came back out of step with the poll, as after a burst.
        // The poll timeout bounds that wait. It is not shorter because each poll of an idle consumer costs CPU:
        // measured on two cores, 100 ms (four consumers: 40 polls a second) cost about 2 % of a core, 1 s nothing
        // measurable. Under load no fetch comes back empty, so there is no such wait.
        factory.getContainerProperties().setPollTimeout(Math.max(1, pollTimeout.toMillis()));
        // While no records come, an idle event every poll timeout: the intake checks whether its last poll's results
        // failed since (InFlightResults#failedWhileIdle).
        factory.getContainerProperties().setIdleEventInterval(Math.max(1, pollTimeout.toMillis()));
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(10_000);
        DefaultErrorHandler errors = new DefaultErrorHandler(backOff);
        // A poll retried after a failure (the database away) is acknowledged as any other, once its results are: by
        // default the container would commit its offsets as soon as the retry returned.
        errors.setAckAfterHandle(false);
        factory.setCommonErrorHandler(errors);
        return factory;
    }
}
