package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Open the breaker: deletion requests in the last minute went above the limit. Already open: nothing happens. */
public record TripDeletionBreakerCommand(@TargetAggregateIdentifier String breakerId, long quarantinesLastMinute,
                                         int limit, long requestsLastMinute, String topRequester,
                                         long topRequesterRequests) {
}
