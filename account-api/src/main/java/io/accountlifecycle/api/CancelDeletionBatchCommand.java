package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/**
 * Record that a batch was undone: its accounts still in their hold were restored, the others were already purged.
 */
public record CancelDeletionBatchCommand(@TargetAggregateIdentifier UUID batchId,
                                         String cancelledBy,
                                         String reason,
                                         int restored,
                                         int alreadyPurged) {
}
