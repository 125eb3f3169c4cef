package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Delete exactly these accounts — the set a preview showed — as one batch.
 *
 * @param needsApproval whether the batch is above the blast-radius thresholds and waits for a second admin
 */
public record CreateDeletionBatchCommand(@TargetAggregateIdentifier UUID batchId,
                                         List<UUID> accountIds,
                                         String reason,
                                         String requestedBy,
                                         BigDecimal monthlyValueAtRisk,
                                         boolean needsApproval,
                                         Instant inactiveSince,
                                         List<Plan> plans) {
}
