package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Release legal hold {@code holdId}: its accounts may be purged again. */
public record ReleaseLegalHoldCommand(@TargetAggregateIdentifier UUID holdId, String reason, String releasedBy) {
}
