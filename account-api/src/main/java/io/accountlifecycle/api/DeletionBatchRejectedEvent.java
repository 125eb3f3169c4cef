package io.accountlifecycle.api;

import java.util.UUID;

/** A second admin rejected the batch; none of its accounts was touched. */
public record DeletionBatchRejectedEvent(UUID batchId, String rejectedBy, String reason) {
}
