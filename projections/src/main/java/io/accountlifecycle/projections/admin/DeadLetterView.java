package io.accountlifecycle.projections.admin;

import java.time.Instant;

/**
 * An event a projection could not apply, parked with every later event of its account.
 *
 * @param sequence      the account (or other aggregate) whose events are held back
 * @param indexInSequence 0 for the event that failed, then the ones queued behind it
 * @param cause         why it failed, as the exception said
 */
public record DeadLetterView(String sequence,
                             long indexInSequence,
                             String eventId,
                             String payloadType,
                             Long sequenceNumber,
                             Instant occurredAt,
                             Instant parkedAt,
                             Instant lastTriedAt,
                             String causeType,
                             String cause) {
}
