package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Sent by the batch executor in the transaction that requests the batch's deletions; refused once cancelled. */
public record RecordDeletionBatchRequestsSentCommand(@TargetAggregateIdentifier UUID batchId, int requested,
                                                     int skipped) {
}
