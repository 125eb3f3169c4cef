package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Set or remove an account's protected flag, with the reason. */
public record ChangeAccountProtectionCommand(@TargetAggregateIdentifier UUID accountId, boolean protectedAccount,
                                             String changedBy, String reason) {
}
