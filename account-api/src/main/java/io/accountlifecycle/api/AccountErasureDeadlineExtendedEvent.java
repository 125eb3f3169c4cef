package io.accountlifecycle.api;

import java.time.Instant;
import java.util.UUID;

/** An erasure's deadline was extended to {@code until} (at most two months past the original, decided before it). */
public record AccountErasureDeadlineExtendedEvent(UUID accountId, Instant until, String reason, String extendedBy) {
}
