package io.accountlifecycle.api;

import java.time.Instant;
import java.util.UUID;

/** The account was seen in use at {@code lastActivityAt}; only ever moves forward. */
public record AccountActivityRecordedEvent(UUID accountId, Instant lastActivityAt) {
}
