package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/** A deletion that waited for approval since before {@code requestedBefore} expires: nothing is deleted. */
public record ExpireAccountDeletionApprovalCommand(@TargetAggregateIdentifier UUID accountId, Instant requestedBefore) {
}
