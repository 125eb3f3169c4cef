package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/** Note that the account was seen in use at {@code lastActivityAt}; the criterion bulk clean-ups select by. */
public record RecordAccountActivityCommand(@TargetAggregateIdentifier UUID accountId, Instant lastActivityAt) {
}
