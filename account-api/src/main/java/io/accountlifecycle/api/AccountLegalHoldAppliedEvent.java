package io.accountlifecycle.api;

import java.time.Instant;
import java.util.UUID;

/**
 * The account is covered by legal hold {@code holdId} (matter {@code matter}) until {@code endsAt}, or until the hold
 * is released when null: it may still be quarantined, but not purged.
 */
public record AccountLegalHoldAppliedEvent(UUID accountId, UUID holdId, String matter, Instant endsAt) {
}
