package io.accountlifecycle.api;

import java.util.UUID;

/** Legal hold {@code holdId} no longer covers the account: it was released. */
public record AccountLegalHoldLiftedEvent(UUID accountId, UUID holdId) {
}
