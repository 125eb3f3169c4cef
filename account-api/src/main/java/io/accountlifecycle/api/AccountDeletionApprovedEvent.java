package io.accountlifecycle.api;

import java.util.UUID;

/** A second admin approved the pending deletion; an {@link AccountDeletionRequestedEvent} follows at once. */
public record AccountDeletionApprovedEvent(UUID accountId, String approvedBy) {
}
