package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Make a quarantined account's personal data unrecoverable; sent by the purge saga when the hold ends. */
public record PurgeAccountCommand(@TargetAggregateIdentifier UUID accountId) {
}
