package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** End an emergency stop: deferred purges run now. Sent by admins. */
public record ResumePurgesCommand(@TargetAggregateIdentifier String purgeControlId, String reason, String resumedBy) {
}
