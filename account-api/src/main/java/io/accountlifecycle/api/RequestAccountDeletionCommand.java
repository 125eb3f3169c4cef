package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/**
 * Ask for an account to be deleted: it is quarantined for the hold, then purged; sent by product services or admins.
 *
 * @param approvalRequired the account is protected: the request waits for a second admin's approval
 * @param kind             {@code STANDARD} (null means so) or {@code ERASURE}
 * @param receivedAt       for an erasure, when the person asked; not in the future
 * @param erasureDeadline  for an erasure, {@code receivedAt} plus {@code account.erasure.deadline}
 */
public record RequestAccountDeletionCommand(@TargetAggregateIdentifier UUID accountId, String reason,
                                            String requestedBy, boolean approvalRequired, DeletionKind kind,
                                            Instant receivedAt, Instant erasureDeadline) {

    public RequestAccountDeletionCommand(UUID accountId, String reason, String requestedBy) {
        this(accountId, reason, requestedBy, false);
    }

    public RequestAccountDeletionCommand(UUID accountId, String reason, String requestedBy, boolean approvalRequired) {
        this(accountId, reason, requestedBy, approvalRequired, null, null, null);
    }
}
