package io.accountlifecycle.api;

import java.util.UUID;

/** Legal hold {@code holdId} was released; each of its accounts then records it ({@link AccountLegalHoldLiftedEvent}). */
public record LegalHoldReleasedEvent(UUID holdId, String reason, String releasedBy) {
}
