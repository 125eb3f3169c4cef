package io.accountlifecycle.api;

/**
 * Where a bulk deletion stands: waiting for a second admin ({@code PENDING_APPROVAL}) or refused ({@code REJECTED});
 * requesting its accounts' deletions ({@code IN_PROGRESS}); every account quarantined ({@code IN_HOLD}); called off
 * ({@code CANCELLED}); or every account purged or restored ({@code COMPLETED}).
 */
public enum DeletionBatchState {
    PENDING_APPROVAL,
    REJECTED,
    /** Waited for approval longer than {@code account.deletion.approval-ttl}; deleted nothing. */
    EXPIRED,
    IN_PROGRESS,
    IN_HOLD,
    CANCELLED,
    COMPLETED
}
