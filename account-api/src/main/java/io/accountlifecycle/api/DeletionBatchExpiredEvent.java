package io.accountlifecycle.api;

import java.util.UUID;

/** The batch waited for approval longer than {@code account.deletion.approval-ttl}: it is {@code EXPIRED} and deleted nothing. */
public record DeletionBatchExpiredEvent(UUID batchId) {
}
