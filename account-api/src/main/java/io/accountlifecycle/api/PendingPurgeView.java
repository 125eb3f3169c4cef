package io.accountlifecycle.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A quarantined account waiting for its purge, for admins deciding what to cancel.
 *
 * @param timeLeft        until the purge is due (zero once overdue, e.g. while purges are paused or a hold blocks it)
 * @param purgeBlockedBy  the legal holds covering the account: its purge waits until they are released or end
 * @param kind            STANDARD or ERASURE (the person's own request)
 * @param erasureDeadline for an erasure, the deadline (extended, if it was) its purge happens by, a pause
 *                        notwithstanding
 * @param plan            the account's plan
 * @param requestedBy     who requested the deletion (at most {@link Limits#MAX_ACTOR_LENGTH} characters)
 * @param batchId         the deletion batch (or operation) it belongs to, if any
 */
public record PendingPurgeView(UUID accountId, Instant quarantinedAt, Instant purgeDueAt, Duration timeLeft,
                               List<UUID> purgeBlockedBy, DeletionKind kind, Instant erasureDeadline, Plan plan,
                               String requestedBy, UUID batchId) {
}
