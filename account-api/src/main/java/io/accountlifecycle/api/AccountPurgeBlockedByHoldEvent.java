package io.accountlifecycle.api;

import java.util.List;
import java.util.UUID;

/**
 * The account's purge fell due while legal holds {@code holdIds} covered it: it waits for their release or end.
 * Recorded once per blocked purge.
 */
public record AccountPurgeBlockedByHoldEvent(UUID accountId, List<UUID> holdIds) {
}
