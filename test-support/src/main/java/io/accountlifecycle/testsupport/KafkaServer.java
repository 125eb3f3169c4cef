package io.accountlifecycle.testsupport;

import java.util.Map;

/** A running Kafka broker for tests, whichever way it was started. */
public abstract class KafkaServer implements AutoCloseable {

    /**
     * Settings of the test brokers. Consumer groups (KIP-848 protocol): a member that stops heartbeating — a killed
     * instance — loses its partitions after 10 s rather than the default 45 s, so the scale-out tests measure a
     * failover in seconds; production brokers keep their defaults unless the operator lowers them (README). The log
     * cleaner looks for work every half second, so compaction happens within a test's patience.
     */
    static final Map<String, String> BROKER_SETTINGS = Map.of("group.consumer.session.timeout.ms", "10000",
                                                             "group.consumer.min.session.timeout.ms", "5000",
                                                             "group.consumer.heartbeat.interval.ms", "2000",
                                                             "group.consumer.min.heartbeat.interval.ms", "1000",
                                                             "log.cleaner.backoff.ms", "500");

    public abstract String bootstrapServers();

    /** How it was started, for the test log: {@code testcontainers} or {@code embedded}. */
    public abstract String kind();
}
