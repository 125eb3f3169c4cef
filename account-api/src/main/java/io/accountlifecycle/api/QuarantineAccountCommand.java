package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/** Block an account whose deletion was requested until {@code purgeDueAt}; sent by the purge saga only. */
public record QuarantineAccountCommand(@TargetAggregateIdentifier UUID accountId, Instant purgeDueAt) {
}
