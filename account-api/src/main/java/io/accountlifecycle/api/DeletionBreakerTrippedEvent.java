package io.accountlifecycle.api;

/**
 * The alert: more accounts were quarantined in a minute than {@code limit}, across every intake. Deletion requests are
 * refused until an admin resets the breaker.
 */
public record DeletionBreakerTrippedEvent(String breakerId, long quarantinesLastMinute, int limit) {

    /** The one breaker there is. */
    public static final String BREAKER_ID = "deletion-breaker";
}
