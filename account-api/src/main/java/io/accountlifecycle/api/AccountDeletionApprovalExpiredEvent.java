package io.accountlifecycle.api;

import java.util.UUID;

/**
 * A deletion waited for a second person's approval longer than {@code account.deletion.approval-ttl}: it expired and
 * changed nothing; the account stays Active. A deletion can be requested again.
 */
public record AccountDeletionApprovalExpiredEvent(UUID accountId, String requestedBy) {
}
