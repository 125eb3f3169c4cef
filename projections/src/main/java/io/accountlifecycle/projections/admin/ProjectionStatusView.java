package io.accountlifecycle.projections.admin;

/**
 * A projection's processor as an admin sees it.
 *
 * @param replaying   whether it is rebuilding from the first event
 * @param caughtUp    whether every segment has reached the head of the event store
 * @param position    the lowest global index its segments have reached (null before the first event)
 * @param deadLetters events parked in its dead-letter queue
 */
public record ProjectionStatusView(String name,
                                   boolean running,
                                   boolean replaying,
                                   boolean caughtUp,
                                   int segments,
                                   Long position,
                                   long deadLetters,
                                   long parkedAccounts) {
}
