package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Call off a deletion within the hold: the account is Active again with all its data; sent by admins. */
public record CancelAccountDeletionCommand(@TargetAggregateIdentifier UUID accountId, String reason,
                                           String cancelledBy) {
}
