package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** An admin closes the breaker again; deletion requests are accepted from now on. */
public record ResetDeletionBreakerCommand(@TargetAggregateIdentifier String breakerId, String resetBy,
                                          String reason) {
}
