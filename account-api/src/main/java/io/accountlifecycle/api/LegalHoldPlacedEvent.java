package io.accountlifecycle.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A legal hold was placed: its scope is the list of accounts resolved when it was placed, never widened or narrowed
 * silently afterwards. Each account then records it ({@link AccountLegalHoldAppliedEvent}).
 *
 * @param criteria the criteria the list was resolved from (JSON as given), or null
 * @param endsAt   when the hold ends by itself; null: until released
 */
public record LegalHoldPlacedEvent(UUID holdId, String matter, String reason, List<UUID> accountIds, String criteria,
                                   String placedBy, Instant endsAt) {
}
