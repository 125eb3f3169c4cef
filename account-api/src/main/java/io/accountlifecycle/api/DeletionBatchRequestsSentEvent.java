package io.accountlifecycle.api;

import java.util.UUID;

/**
 * The batch's deletions were requested, in the same transaction as this event: {@code requested} accounts entered
 * their hold's way, {@code skipped} were no longer Active (already deleting, quarantined or purged).
 */
public record DeletionBatchRequestsSentEvent(UUID batchId, int requested, int skipped) {
}
