package io.accountlifecycle.api;

import java.util.UUID;

/** The deletion was called off within the hold: the account is Active again with all its data. */
public record AccountDeletionCancelledEvent(UUID accountId, String reason, String cancelledBy) {
}
