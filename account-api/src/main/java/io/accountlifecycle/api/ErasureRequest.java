package io.accountlifecycle.api;

import java.time.Instant;

/**
 * A data subject's own request to be erased, as a deletion request carries it.
 *
 * @param receivedAt when the person asked (not in the future)
 * @param deadline   {@code receivedAt} plus {@code account.erasure.deadline}: the purge happens no later, unless extended
 */
public record ErasureRequest(Instant receivedAt, Instant deadline) {
}
