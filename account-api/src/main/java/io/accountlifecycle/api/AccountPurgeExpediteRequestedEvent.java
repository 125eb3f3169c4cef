package io.accountlifecycle.api;

import java.util.UUID;

/** Someone asked to purge the quarantined account before its hold ends; it waits for a second person. */
public record AccountPurgeExpediteRequestedEvent(UUID accountId, String reason, String requestedBy) {
}
