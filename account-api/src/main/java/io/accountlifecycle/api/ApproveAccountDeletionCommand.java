package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** A second admin, not the requester, lets the deletion of a protected account go ahead. */
public record ApproveAccountDeletionCommand(@TargetAggregateIdentifier UUID accountId, String approvedBy) {
}
