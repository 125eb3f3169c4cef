package io.accountlifecycle.service.kafka.publication;

import io.accountlifecycle.service.roles.Roles;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.api.EventEnvelope;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.accountlifecycle.service.eventstore.EventTypes;
import io.accountlifecycle.service.kafka.KafkaTopics;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes every stored event to {@code account.events}: the event store is the outbox. Runs in a streaming
 * processor, so it resumes from its token after a restart; events of one aggregate are in one segment, in order,
 * and keyed by aggregate id, so they land in one partition in order. A batch's token only advances after the broker
 * acknowledged every record of the batch: at least once, never skipped.
 */
@Component
@ProcessingGroup(AccountEventPublisher.PROCESSING_GROUP)
@ConditionalOnProperty(name = Roles.EVENT_PUBLICATION, havingValue = "true", matchIfMissing = true)
public class AccountEventPublisher {

    public static final String PROCESSING_GROUP = "account-events-publisher";
    private static final String PENDING_BATCH = AccountEventPublisher.class.getName() + ".batch";
    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final KafkaTemplate<String, String> kafka;
    private final ObjectMapper json = EventStoreConfiguration.axonObjectMapper();

    private final JdbcTemplate jdbc;

    public AccountEventPublisher(KafkaTemplate<String, String> kafka, JdbcTemplate jdbc) {
        this.kafka = kafka;
        this.jdbc = jdbc;
    }

    @EventHandler
    void publish(Object payload, EventMessage<?> event) {
        pendingBatch().add(event);
    }

    /**
     * The events of the current batch, published when its unit of work prepares to commit: their own global indexes
     * are read in one query (a tracking token's position is the highest index seen, which is not the index of an event
     * that filled an older hole), then every record is sent and acknowledged before the token may advance.
     */
    private List<EventMessage<?>> pendingBatch() {
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        return root.getOrComputeResource(PENDING_BATCH, key -> {
            List<EventMessage<?>> batch = new ArrayList<>();
            root.onPrepareCommit(uow -> publishBatch(batch));
            return batch;
        });
    }

    private void publishBatch(List<EventMessage<?>> batch) {
        Map<String, Long> globalIndexes = globalIndexes(batch);
        List<CompletableFuture<?>> sends = new ArrayList<>(batch.size());
        for (EventMessage<?> event : batch) {
            long globalIndex = globalIndexes.getOrDefault(event.getIdentifier(), -1L);
            EventEnvelope envelope = envelope(event.getPayload(), event, globalIndex);
            String key = envelope.aggregateId() != null ? envelope.aggregateId() : envelope.eventId();
            try {
                sends.add(kafka.send(KafkaTopics.EVENTS, key, json.writeValueAsString(envelope)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write the envelope of event " + event.getIdentifier(), e);
            }
        }
        awaitAcknowledgements(sends);
    }

    private Map<String, Long> globalIndexes(List<EventMessage<?>> batch) {
        if (batch.isEmpty()) {
            return Map.of();
        }
        String[] ids = batch.stream().map(EventMessage::getIdentifier).toArray(String[]::new);
        Map<String, Long> indexes = new HashMap<>();
        jdbc.query(connection -> {
            var query = connection.prepareStatement(
                    "select event_identifier, global_index from domain_event_entry where event_identifier = any(?)");
            query.setArray(1, connection.createArrayOf("varchar", ids));
            return query;
        }, (RowCallbackHandler) row -> indexes.put(row.getString(1), row.getLong(2)));
        return indexes;
    }

    @SuppressWarnings("unchecked")
    private EventEnvelope envelope(Object payload, EventMessage<?> event, long globalIndex) {
        String aggregateType = null;
        String aggregateId = null;
        long sequenceNumber = 0;
        if (event instanceof DomainEventMessage<?> domain) {
            aggregateType = domain.getType();
            aggregateId = domain.getAggregateIdentifier();
            sequenceNumber = domain.getSequenceNumber();
        }
        return new EventEnvelope(event.getIdentifier(), aggregateType, aggregateId,
                                 "Account".equals(aggregateType) ? aggregateId : null,
                                 sequenceNumber, globalIndex, EventTypes.nameOf(event.getPayloadType()),
                                 event.getPayloadType().getName(),
                                 revisionOf(event), event.getTimestamp().toString(),
                                 json.convertValue(payload, Map.class), Map.copyOf(event.getMetaData()));
    }

    private static String revisionOf(EventMessage<?> event) {
        var revision = event.getPayloadType().getAnnotation(org.axonframework.serialization.Revision.class);
        return revision == null ? null : revision.value();
    }

    private static void awaitAcknowledgements(List<CompletableFuture<?>> sends) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the broker to acknowledge events", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The broker did not acknowledge published events; the batch is retried", e);
        }
    }
}
