package io.accountlifecycle.projections.summary;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Plan;

import java.time.Instant;
import java.util.UUID;

/**
 * An account as analysts see it. {@code email} and {@code displayName} are opened only for a caller who also holds
 * {@code accounts:read}, and only while the account's key exists; otherwise they are null.
 */
public record AccountSummaryView(UUID accountId,
                                 AccountStatus status,
                                 Plan plan,
                                 @JsonProperty("protected") boolean protectedAccount,
                                 Instant createdAt,
                                 Instant lastActivityAt,
                                 Instant deletionRequestedAt,
                                 String deletionRequestedBy,
                                 String deletionReason,
                                 Instant quarantinedAt,
                                 Instant purgeDueAt,
                                 Instant purgedAt,
                                 UUID batchId,
                                 String email,
                                 String displayName,
                                 long version) {
}
