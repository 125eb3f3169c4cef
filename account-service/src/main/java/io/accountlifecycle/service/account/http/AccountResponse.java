package io.accountlifecycle.service.account.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.Plan;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An account as the API shows it: personal fields opened for the caller, absent once the key is gone.
 *
 * @param purgeDueAt when a quarantined account will be purged; null otherwise
 * @param legalHolds the legal holds covering the account now (their ids)
 * @param purgeBlockedBy the legal holds its pending purge waits for (empty when none is pending or none blocks)
 * @param deletion   the deletion under way (kind, erasure dates, an early purge waiting for approval), or null
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
                              Instant purgeDueAt,
                              @ArraySchema(maxItems = Limits.MAX_LEGAL_HOLDS_PER_ACCOUNT) List<UUID> legalHolds,
                              @ArraySchema(maxItems = Limits.MAX_LEGAL_HOLDS_PER_ACCOUNT) List<UUID> purgeBlockedBy,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Deletion deletion) {

    /**
     * The deletion under way (requested or quarantined).
     *
     * @param kind                 STANDARD or ERASURE
     * @param erasureReceivedAt    when the person asked to be erased (ERASURE only)
     * @param erasureDeadline      its legal deadline: the purge happens no later, unless extended (ERASURE only)
     * @param erasureExtendedUntil the extended deadline, if extended
     * @param expediteRequestedBy  who asked to purge it early; waits for a second person
     */
    public record Deletion(DeletionKind kind,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Instant erasureReceivedAt,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Instant erasureDeadline,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Instant erasureExtendedUntil,
                           @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(maxLength = Limits.MAX_ACTOR_LENGTH)
                           String expediteRequestedBy) {

        /** The deletion under way in {@code state}, or null when there is none. */
        static Deletion of(AccountState state) {
            if (!state.deletionRequested() && state.status() != AccountStatus.QUARANTINED) {
                return null;
            }
            AccountState.Erasure erasure = state.erasure();
            return new Deletion(state.deletionKind(), erasure == null ? null : erasure.receivedAt(),
                                erasure == null ? null : erasure.deadline(),
                                erasure == null ? null : erasure.extendedUntil(),
                                state.expedite() == null ? null : state.expedite().requestedBy());
        }
    }
}
