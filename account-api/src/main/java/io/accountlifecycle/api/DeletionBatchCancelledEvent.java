package io.accountlifecycle.api;

import java.util.UUID;

/** The batch was undone in one action: {@code restored} accounts are Active again, {@code alreadyPurged} were gone. */
public record DeletionBatchCancelledEvent(UUID batchId, String cancelledBy, String reason, int restored,
                                          int alreadyPurged) {
}
