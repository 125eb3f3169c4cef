package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** A second admin refuses the deletion of a protected account; it stays Active, untouched. */
public record RejectAccountDeletionCommand(@TargetAggregateIdentifier UUID accountId, String rejectedBy,
                                           String reason) {
}
