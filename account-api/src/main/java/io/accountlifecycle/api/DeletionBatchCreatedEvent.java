package io.accountlifecycle.api;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * A bulk deletion of exactly {@code accountIds} (the previewed set, protected accounts never among them).
 *
 * @param state {@code IN_PROGRESS}, or {@code PENDING_APPROVAL} when above the blast-radius thresholds
 */
public record DeletionBatchCreatedEvent(UUID batchId,
                                        List<UUID> accountIds,
                                        String reason,
                                        String requestedBy,
                                        BigDecimal monthlyValueAtRisk,
                                        DeletionBatchState state) {

    public DeletionBatchCreatedEvent {
        accountIds = List.copyOf(accountIds);
    }
}
