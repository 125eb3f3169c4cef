package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** A second admin refuses a batch waiting for approval; nothing is deleted. */
public record RejectDeletionBatchCommand(@TargetAggregateIdentifier UUID batchId, String rejectedBy, String reason) {
}
