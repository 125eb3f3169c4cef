package io.accountlifecycle.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** spring-kafka-test's in-JVM KRaft broker, for machines without a Docker engine. */
final class EmbeddedKraftKafkaServer extends KafkaServer {

    private final EmbeddedKafkaKraftBroker broker;

    private EmbeddedKraftKafkaServer(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    static EmbeddedKraftKafkaServer start() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        // Like production: topics exist because the service declares them, never because someone wrote to them.
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        // A killed consumer's partitions go to the survivors after this session timeout (the default is 45 s).
        KafkaServer.BROKER_SETTINGS.forEach(broker::brokerProperty);
        broker.afterPropertiesSet();
        // The broker announces itself through system properties; tests get it explicitly instead, and a test of the
        // service's embedded default must not find a broker configured behind its back.
        System.clearProperty("spring.kafka.bootstrap-servers");
        System.clearProperty("spring.embedded.kafka.brokers");
        return new EmbeddedKraftKafkaServer(broker);
    }

    @Override
    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public void close() {
        broker.destroy();
    }
}
