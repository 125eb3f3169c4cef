package io.accountlifecycle.testsupport;

/** A running Kafka broker for tests, whichever way it was started. */
public abstract class KafkaServer implements AutoCloseable {

    public abstract String bootstrapServers();

    /** How it was started, for the test log: {@code testcontainers} or {@code embedded}. */
    public abstract String kind();
}
