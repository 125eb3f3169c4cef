package io.accountlifecycle.projections.batches;

import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.Schema;

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
                                @Schema(maxLength = Limits.MAX_REASON_LENGTH) String reason,
                                @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String requestedBy,
                                @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String decidedBy,
                                @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String cancelledBy,
                                int accounts,
                                BigDecimal monthlyValueAtRisk,
                                Instant createdAt,
                                Instant updatedAt,
                                @Schema(maxProperties = 16, description = "Accounts by status, and LEFT_OUT")
                                Map<String, Long> counts,
                                List<LeftOut> leftOut) {

    @Schema(name = "DeletionBatchLeftOut")
    public record LeftOut(UUID accountId, @Schema(maxLength = Limits.MAX_GENERATED_TEXT_LENGTH) String reason) {
    }
}
