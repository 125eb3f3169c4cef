package io.accountlifecycle.projections.admin;

import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A projection's processor as an admin sees it.
 *
 * @param replaying   whether it is rebuilding from the first event
 * @param caughtUp    whether every segment has reached the head of the event store
 * @param position    the lowest global index its segments have reached (null before the first event)
 * @param deadLetters events parked in its dead-letter queue
 */
public record ProjectionStatusView(@Schema(maxLength = Limits.MAX_NAME_LENGTH) String name,
                                   boolean running,
                                   boolean replaying,
                                   boolean caughtUp,
                                   int segments,
                                   Long position,
                                   long deadLetters,
                                   long parkedAccounts) {
}
