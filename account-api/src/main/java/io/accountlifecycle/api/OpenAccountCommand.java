package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/**
 * Open a new account under an id the caller chose; sent by product services over HTTP or Kafka.
 *
 * @param protectedAccount true to shield the account from bulk deletion
 */
public record OpenAccountCommand(@TargetAggregateIdentifier UUID accountId,
                                 PersonalText email,
                                 PersonalText displayName,
                                 Plan plan,
                                 boolean protectedAccount) {
}
