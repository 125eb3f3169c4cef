package io.accountlifecycle.api;

import java.util.UUID;

/** Someone asked for the account to be deleted; starts the purge saga. */
public record AccountDeletionRequestedEvent(UUID accountId, String reason, String requestedBy) {
}
