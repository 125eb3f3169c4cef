package io.accountlifecycle.api;

import java.util.UUID;

/**
 * The deletions of the batch's accounts {@code [from, to)} (in the order of its creation event) were requested, in the
 * same transaction as this event: {@code requested} entered deletion, {@code skipped} were no longer Active. The
 * batch is requested in chunks; {@code to == total} ends it.
 */
public record DeletionBatchRequestsSentEvent(UUID batchId, int from, int to, int total, int requested,
                                             int skipped) {
}
