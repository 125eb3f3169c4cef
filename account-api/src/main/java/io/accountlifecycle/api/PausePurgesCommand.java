package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Emergency stop: no purge runs until resumed; holds that end meanwhile are deferred, never lost. Sent by admins. */
public record PausePurgesCommand(@TargetAggregateIdentifier String purgeControlId, String reason, String pausedBy) {
}
