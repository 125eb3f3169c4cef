package io.accountlifecycle.testsupport;

import org.testcontainers.kafka.KafkaContainer;

/** Kafka (KRaft) in a container, where a Docker engine is available. */
final class ContainerKafkaServer extends KafkaServer {

    private final KafkaContainer container;

    private ContainerKafkaServer(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafkaServer start() {
        KafkaContainer container = new KafkaContainer("apache/kafka:4.1.0")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        KafkaServer.BROKER_SETTINGS.forEach((name, value) ->
                container.withEnv("KAFKA_" + name.toUpperCase().replace('.', '_'), value));
        container.start();
        return new ContainerKafkaServer(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public String kind() {
        return "testcontainers";
    }

    @Override
    public void close() {
        container.stop();
    }
}
