package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.UUID;

/**
 * Sent by the batch executor in the transaction that requests one chunk's deletions; refused (false) once the batch
 * is cancelled or when the chunk is not the next one, which rolls the chunk's requests back.
 */
public record RecordDeletionBatchRequestsSentCommand(@TargetAggregateIdentifier UUID batchId, int from, int to,
                                                     int total, int requested, int skipped,
                                                     List<DeletionBatchRequestsSentEvent.LeftOut> leftOut) {
}
