package io.accountlifecycle.api;

import java.util.List;
import java.util.UUID;

/**
 * The deletions of the batch's accounts {@code [from, to)} (in the order of its creation event) were requested, in the
 * same transaction as this event: {@code requested} entered deletion, {@code skipped} were no longer Active, and
 * {@code leftOut} (counted in {@code skipped} too) no longer matched the preview's criteria or had become protected.
 * The batch is requested in chunks; {@code to == total} ends it.
 */
public record DeletionBatchRequestsSentEvent(UUID batchId, int from, int to, int total, int requested,
                                             int skipped, List<LeftOut> leftOut) {

    /** An account of the batch whose deletion was not requested because it no longer qualified, and why. */
    public record LeftOut(UUID accountId, String reason) {
    }

    public DeletionBatchRequestsSentEvent {
        leftOut = leftOut == null ? List.of() : List.copyOf(leftOut);
    }

    public DeletionBatchRequestsSentEvent(UUID batchId, int from, int to, int total, int requested, int skipped) {
        this(batchId, from, to, total, requested, skipped, List.of());
    }
}
