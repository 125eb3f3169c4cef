package io.accountlifecycle.api;

/** The outcome of a command received over Kafka. */
public enum CommandStatus {
    ACCEPTED,
    REJECTED
}
