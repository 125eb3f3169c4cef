package io.accountlifecycle.api;

import java.util.UUID;

/** A second admin rejected the pending deletion; nothing else happened to the account. */
public record AccountDeletionRejectedEvent(UUID accountId, String rejectedBy, String reason) {
}
