package io.accountlifecycle.api;

import java.util.UUID;

/** A second admin approved the batch; its deletions are requested now. */
public record DeletionBatchApprovedEvent(UUID batchId, String approvedBy) {
}
