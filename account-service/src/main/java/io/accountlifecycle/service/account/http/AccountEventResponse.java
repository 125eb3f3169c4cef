package io.accountlifecycle.service.account.http;

import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;

/**
 * One event of an account's history.
 *
 * @param type        the event's name without the {@code Event} suffix, e.g. {@code AccountOpened}
 * @param payloadType the full class name of the payload
 * @param payload     the payload, personal fields opened while the account's key exists
 */
public record AccountEventResponse(@Schema(format = "uuid") String eventId,
                                   long sequenceNumber,
                                   @Schema(maxLength = Limits.MAX_NAME_LENGTH, example = "AccountOpened") String type,
                                   @Schema(maxLength = Limits.MAX_CLASS_NAME_LENGTH) String payloadType,
                                   Instant occurredAt,
                                   @Schema(description = "The event's payload as described in AsyncAPI "
                                                         + "(/asyncapi.json), personal fields opened")
                                   Object payload,
                                   @Schema(maxProperties = 20, description = "Who did it (actor), correlation and "
                                                                           + "batch ids, the command's origin")
                                   Map<String, Object> metadata) {
}
