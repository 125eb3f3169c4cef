package io.accountlifecycle.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A bulk deletion of exactly {@code accountIds} (the previewed set, protected accounts never among them).
 *
 * @param state         {@code IN_PROGRESS}, or {@code PENDING_APPROVAL} when above the blast-radius thresholds
 * @param inactiveSince the preview's criterion, re-checked for each account when its deletion is requested (null:
 *                      none, or a batch created before criteria were kept)
 * @param plans         likewise (empty: any plan)
 */
public record DeletionBatchCreatedEvent(UUID batchId,
                                        List<UUID> accountIds,
                                        String reason,
                                        String requestedBy,
                                        BigDecimal monthlyValueAtRisk,
                                        DeletionBatchState state,
                                        Instant inactiveSince,
                                        List<Plan> plans) {

    public DeletionBatchCreatedEvent {
        accountIds = List.copyOf(accountIds);
        plans = plans == null ? List.of() : List.copyOf(plans);
    }

    public DeletionBatchCreatedEvent(UUID batchId, List<UUID> accountIds, String reason, String requestedBy,
                                     BigDecimal monthlyValueAtRisk, DeletionBatchState state) {
        this(batchId, accountIds, reason, requestedBy, monthlyValueAtRisk, state, null, List.of());
    }
}
