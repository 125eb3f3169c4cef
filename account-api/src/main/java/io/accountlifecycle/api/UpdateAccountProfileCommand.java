package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Change an account's email and/or display name (a null field stays as it is); sent by product services. */
public record UpdateAccountProfileCommand(@TargetAggregateIdentifier UUID accountId,
                                          PersonalText email,
                                          PersonalText displayName) {
}
