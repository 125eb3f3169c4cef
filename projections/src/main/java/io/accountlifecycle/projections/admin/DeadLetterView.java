package io.accountlifecycle.projections.admin;

import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;

/**
 * An event a projection could not apply, parked with every later event of its account.
 *
 * @param sequence      the account (or other aggregate) whose events are held back
 * @param indexInSequence 0 for the event that failed, then the ones queued behind it
 * @param cause         why it failed, as the exception said
 */
public record DeadLetterView(@Schema(maxLength = Limits.MAX_NAME_LENGTH) String sequence,
                             long indexInSequence,
                             @Schema(format = "uuid") String eventId,
                             @Schema(maxLength = Limits.MAX_CLASS_NAME_LENGTH) String payloadType,
                             Long sequenceNumber,
                             Instant occurredAt,
                             Instant parkedAt,
                             Instant lastTriedAt,
                             @Schema(maxLength = Limits.MAX_CLASS_NAME_LENGTH) String causeType,
                             @Schema(maxLength = Limits.MAX_GENERATED_TEXT_LENGTH,
                                     description = "Cut to the first 2,000 characters") String cause) {
}
