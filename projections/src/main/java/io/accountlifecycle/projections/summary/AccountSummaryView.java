package io.accountlifecycle.projections.summary;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.Plan;
import io.swagger.v3.oas.annotations.media.Schema;

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
                                 @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String deletionRequestedBy,
                                 @Schema(maxLength = Limits.MAX_REASON_LENGTH) String deletionReason,
                                 Instant quarantinedAt,
                                 Instant purgeDueAt,
                                 Instant purgedAt,
                                 UUID batchId,
                                 @Schema(format = "email", maxLength = Limits.MAX_EMAIL_LENGTH,
                                         description = "Only with accounts:read too; absent once purged")
                                 String email,
                                 @Schema(maxLength = Limits.MAX_DISPLAY_NAME_LENGTH,
                                         description = "Only with accounts:read too; absent once purged")
                                 String displayName,
                                 long version) {
}
