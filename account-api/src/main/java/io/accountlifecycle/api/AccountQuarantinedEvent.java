package io.accountlifecycle.api;

import java.time.Instant;
import java.util.UUID;

/** The account is blocked, its data intact, until {@code purgeDueAt}; product services stop serving it. */
public record AccountQuarantinedEvent(UUID accountId, Instant purgeDueAt) {
}
