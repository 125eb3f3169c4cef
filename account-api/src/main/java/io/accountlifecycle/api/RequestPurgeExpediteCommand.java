package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Ask to bring a quarantined account's purge forward (the person asked to be erased at once); needs a second person. */
public record RequestPurgeExpediteCommand(@TargetAggregateIdentifier UUID accountId, String reason,
                                          String requestedBy) {
}
