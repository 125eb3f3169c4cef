package io.accountlifecycle.api;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A quarantined account waiting for its purge, for admins deciding what to cancel.
 *
 * @param timeLeft until the purge is due (zero once overdue, e.g. while purges are paused)
 */
public record PendingPurgeView(UUID accountId, Instant quarantinedAt, Instant purgeDueAt, Duration timeLeft) {
}
