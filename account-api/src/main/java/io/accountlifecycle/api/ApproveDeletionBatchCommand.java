package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** A second admin, not the requester, lets a batch above the thresholds go ahead. */
public record ApproveDeletionBatchCommand(@TargetAggregateIdentifier UUID batchId, String approvedBy) {
}
