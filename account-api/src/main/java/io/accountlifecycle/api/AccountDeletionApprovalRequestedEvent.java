package io.accountlifecycle.api;

import java.util.UUID;

/** Deletion of a protected account was asked for; it stays Active until a second admin approves or rejects. */
public record AccountDeletionApprovalRequestedEvent(UUID accountId, String reason, String requestedBy) {
}
