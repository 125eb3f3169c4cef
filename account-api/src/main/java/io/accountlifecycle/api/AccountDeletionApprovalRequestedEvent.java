package io.accountlifecycle.api;

import java.time.Instant;
import java.util.UUID;

/**
 * Deletion of a protected account was asked for; it stays Active until a second admin approves or rejects. An
 * erasure's kind and deadline wait with it (its deadline runs meanwhile).
 */
public record AccountDeletionApprovalRequestedEvent(UUID accountId, String reason, String requestedBy,
                                                    DeletionKind kind, Instant receivedAt, Instant erasureDeadline) {

    public AccountDeletionApprovalRequestedEvent(UUID accountId, String reason, String requestedBy) {
        this(accountId, reason, requestedBy, null, null, null);
    }
}
