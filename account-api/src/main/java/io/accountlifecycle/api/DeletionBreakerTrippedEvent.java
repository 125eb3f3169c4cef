package io.accountlifecycle.api;

/**
 * The alert: more deletions were requested in a minute than {@code limit}, across every door. Deletion requests are
 * refused, and requests not yet quarantined are withdrawn, until an admin resets the breaker.
 *
 * @param quarantinesLastMinute accounts quarantined within the minute before the trip
 * @param requestsLastMinute    deletion requests (accepted or waiting for approval) within that minute: what trips it
 * @param topRequester          the actor with the most of those requests; it may not reset the breaker if it made more
 *                              than half of them
 * @param topRequesterRequests  how many of them it made
 */
public record DeletionBreakerTrippedEvent(String breakerId, long quarantinesLastMinute, int limit,
                                          long requestsLastMinute, String topRequester, long topRequesterRequests) {
    /** The one breaker there is. */
    public static final String BREAKER_ID = "deletion-breaker";

    /** A trip stored before requests were counted: it counted quarantines. */
    public DeletionBreakerTrippedEvent(String breakerId, long quarantinesLastMinute, int limit) {
        this(breakerId, quarantinesLastMinute, limit, quarantinesLastMinute, null, 0);
    }
}
