package io.accountlifecycle.api;

import java.util.Map;

/**
 * One stored event as published on {@code account.events} (JSON, keyed by {@code aggregateId}, kept forever): enough
 * to rebuild the event store exactly. Personal fields in {@code payload} are sealed values.
 *
 * @param aggregateType   {@code Account}, and later {@code DeletionBatch}, …
 * @param accountId       the account the event is about; null for events of no account
 * @param type            the event's name without the {@code Event} suffix, e.g. {@code AccountOpened}
 * @param payloadType     the payload's full class name
 * @param payloadRevision the payload's revision, null for the first
 * @param occurredAt      ISO-8601 instant the event was stored with
 * @param metadata        {@code actor}, {@code correlationId}, {@code causationId}, and {@code batchId} where one applies
 */
public record EventEnvelope(String eventId,
                            String aggregateType,
                            String aggregateId,
                            String accountId,
                            long sequenceNumber,
                            long globalIndex,
                            String type,
                            String payloadType,
                            String payloadRevision,
                            String occurredAt,
                            Map<String, Object> payload,
                            Map<String, Object> metadata) {
}
