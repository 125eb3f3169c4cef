package io.accountlifecycle.service.account.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.Plan;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.UUID;

/**
 * An account as the API shows it: personal fields opened for the caller, absent once the key is gone.
 *
 * @param purgeDueAt when a quarantined account will be purged; null otherwise
 */
public record AccountResponse(UUID accountId,
                              AccountStatus status,
                              @Schema(format = "email", maxLength = Limits.MAX_EMAIL_LENGTH,
                                      description = "Absent once the account is purged (its key is destroyed)")
                              String email,
                              @Schema(maxLength = Limits.MAX_DISPLAY_NAME_LENGTH,
                                      description = "Absent once the account is purged (its key is destroyed)")
                              String displayName,
                              Plan plan,
                              @JsonProperty("protected") boolean protectedAccount,
                              Instant openedAt,
                              Instant lastActivityAt,
                              long version,
                              Instant updatedAt,
                              Instant purgeDueAt) {
}
