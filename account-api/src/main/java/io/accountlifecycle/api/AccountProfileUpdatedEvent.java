package io.accountlifecycle.api;

import java.util.UUID;

/** An account's email and/or display name changed; a null field did not change. */
public record AccountProfileUpdatedEvent(UUID accountId, SealedValue email, SealedValue displayName) {
}
