package io.accountlifecycle.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a {@link PurgeAccountCommand} did: purged (now or before), or blocked by the legal holds that cover the account,
 * with the instant the first of them ends by itself (null: only a release lifts them).
 */
public record PurgeOutcome(boolean purged, List<UUID> blockedBy, Instant blockedUntil) {

    public static final PurgeOutcome PURGED = new PurgeOutcome(true, List.of(), null);
}
