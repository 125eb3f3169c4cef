package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/**
 * Ask for an account to be deleted: it is quarantined for the hold, then purged; sent by product services or admins.
 *
 * @param approvalRequired the account is protected: the request waits for a second admin's approval
 */
public record RequestAccountDeletionCommand(@TargetAggregateIdentifier UUID accountId, String reason,
                                            String requestedBy, boolean approvalRequired) {

    public RequestAccountDeletionCommand(UUID accountId, String reason, String requestedBy) {
        this(accountId, reason, requestedBy, false);
    }
}
