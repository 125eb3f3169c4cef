package io.accountlifecycle.api;

/** The outcome of a command received over Kafka. */
public enum CommandStatus {
    ACCEPTED,
    REJECTED,
    /**
     * A deletion request that waits for a second person's approval (a protected account, or past the deletion
     * policy's thresholds): no second result follows; the decision appears on {@code account.events}.
     */
    PENDING_APPROVAL
}
