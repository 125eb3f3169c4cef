package io.accountlifecycle.service.account.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Plan;

import java.time.Instant;
import java.util.UUID;

/**
 * An account as the API shows it: personal fields opened for the caller, absent once the key is gone.
 *
 * @param purgeDueAt when a quarantined account will be purged; null otherwise
 */
public record AccountResponse(UUID accountId,
                              AccountStatus status,
                              String email,
                              String displayName,
                              Plan plan,
                              @JsonProperty("protected") boolean protectedAccount,
                              Instant openedAt,
                              Instant lastActivityAt,
                              long version,
                              Instant updatedAt,
                              Instant purgeDueAt) {
}
