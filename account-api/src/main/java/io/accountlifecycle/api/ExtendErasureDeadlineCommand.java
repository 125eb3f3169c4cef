package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/** Extend an open erasure's deadline to {@code until}, with the reason the person is told (GDPR Art. 12(3)). */
public record ExtendErasureDeadlineCommand(@TargetAggregateIdentifier UUID accountId, Instant until, String reason,
                                           String extendedBy) {
}
