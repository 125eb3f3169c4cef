package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Take legal hold {@code holdId} off the account: the hold was released. */
public record LiftLegalHoldCommand(@TargetAggregateIdentifier UUID accountId, UUID holdId) {
}
