package io.accountlifecycle.service.account.http;

import java.time.Instant;
import java.util.Map;

/**
 * One event of an account's history.
 *
 * @param type        the event's name without the {@code Event} suffix, e.g. {@code AccountOpened}
 * @param payloadType the full class name of the payload
 * @param payload     the payload, personal fields opened while the account's key exists
 */
public record AccountEventResponse(String eventId,
                                   long sequenceNumber,
                                   String type,
                                   String payloadType,
                                   Instant occurredAt,
                                   Object payload,
                                   Map<String, Object> metadata) {
}
