package io.accountlifecycle.api;

/** An admin reset the breaker; quarantines before this instant no longer count towards the limit. */
public record DeletionBreakerResetEvent(String breakerId, String resetBy, String reason) {
}
