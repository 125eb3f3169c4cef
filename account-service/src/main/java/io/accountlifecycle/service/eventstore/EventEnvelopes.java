package io.accountlifecycle.service.eventstore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.api.EventEnvelope;
import io.accountlifecycle.service.eventstore.EventTable.StoredPosition;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.serialization.Revision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The one place an event becomes the {@link EventEnvelope} {@code account.events} carries: the publisher builds it
 * from the message it handles, a purge certificate from the stored row, and both must agree field for field, or a
 * third party holding the topic could not recompute a certificate's hash chain from its records.
 */
public final class EventEnvelopes {

    private static final String ACCOUNT = "Account";
    private static final ObjectMapper JSON = EventStoreConfiguration.axonObjectMapper();

    private EventEnvelopes() {
    }

    /** The envelope of {@code event}, stored at {@code where}, as the publisher sends it. */
    @SuppressWarnings("unchecked")
    public static EventEnvelope of(EventMessage<?> event, StoredPosition where) {
        String aggregateType = null;
        String aggregateId = null;
        long sequenceNumber = 0;
        if (event instanceof DomainEventMessage<?> domain) {
            aggregateType = domain.getType();
            aggregateId = domain.getAggregateIdentifier();
            sequenceNumber = domain.getSequenceNumber();
        }
        Revision revision = event.getPayloadType().getAnnotation(Revision.class);
        return new EventEnvelope(event.getIdentifier(), aggregateType, aggregateId,
                                 ACCOUNT.equals(aggregateType) ? aggregateId : null, sequenceNumber,
                                 where.globalIndex(), EventTypes.nameOf(event.getPayloadType()),
                                 event.getPayloadType().getName(), revision == null ? null : revision.value(),
                                 where.timestamp().toString(), JSON.convertValue(event.getPayload(), Map.class),
                                 Map.copyOf(event.getMetaData()));
    }

    /**
     * The envelope of a stored row: its payload and metadata as their stored JSON. The same envelope as
     * {@link #of(EventMessage, StoredPosition)} for an event read as it was written (the publisher writes the payload
     * with the serializer's own mapper, so the two JSON forms are equal).
     */
    @SuppressWarnings("unchecked")
    public static EventEnvelope of(EventTable.Row row) {
        try {
            Map<String, Object> payload = JSON.readValue(row.payload(), Map.class);
            Map<String, Object> metadata = row.metaData() == null ? Map.of()
                                                                  : JSON.readValue(row.metaData(), Map.class);
            return new EventEnvelope(row.eventId(), row.aggregateType(), row.aggregateId(),
                                     ACCOUNT.equals(row.aggregateType()) ? row.aggregateId() : null, row.sequence(),
                                     row.globalIndex(), EventTypes.nameOf(row.payloadType()), row.payloadType(),
                                     row.payloadRevision(), row.timestamp().toString(), payload, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("The stored JSON of event " + row.eventId() + " is not readable", e);
        }
    }

    /** The envelope as the record value on {@code account.events}. */
    public static String json(EventEnvelope envelope) {
        try {
            return JSON.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the envelope of event " + envelope.eventId(), e);
        }
    }
}
