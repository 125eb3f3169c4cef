package io.accountlifecycle.projections.batches;

import io.accountlifecycle.api.DeletionBatchState;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A deletion batch and its accounts by status: SELECTED (not yet requested), REQUESTED, QUARANTINED, PURGED,
 * RESTORED (cancelled in the hold), SKIPPED (no longer Active when the batch ran), LEFT_OUT (no longer matching the
 * preview's criteria, or protected, when the batch ran: {@code leftOut} says why for each).
 */
public record DeletionBatchView(UUID batchId,
                                DeletionBatchState state,
                                String reason,
                                String requestedBy,
                                String decidedBy,
                                String cancelledBy,
                                int accounts,
                                BigDecimal monthlyValueAtRisk,
                                Instant createdAt,
                                Instant updatedAt,
                                Map<String, Long> counts,
                                List<LeftOut> leftOut) {

    public record LeftOut(UUID accountId, String reason) {
    }
}
