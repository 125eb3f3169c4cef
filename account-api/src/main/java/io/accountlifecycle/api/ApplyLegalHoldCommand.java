package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/** Put the account under legal hold {@code holdId} (until {@code endsAt}, or until released when null). */
public record ApplyLegalHoldCommand(@TargetAggregateIdentifier UUID accountId, UUID holdId, String matter,
                                    Instant endsAt) {
}
