package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Open the breaker: quarantines in the last minute went above the limit. Already open: nothing happens. */
public record TripDeletionBreakerCommand(@TargetAggregateIdentifier String breakerId, long quarantinesLastMinute,
                                         int limit) {
}
