package io.accountlifecycle.service.kafka.publication;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.api.EventEnvelope;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.accountlifecycle.service.kafka.KafkaTopics;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
public class AccountEventPublisher {

    public static final String PROCESSING_GROUP = "account-events-publisher";
    private static final String PENDING_SENDS = AccountEventPublisher.class.getName() + ".pending";
    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final KafkaTemplate<String, String> kafka;
    private final ObjectMapper json = EventStoreConfiguration.axonObjectMapper();
    private final PublicationProgress progress;

    public AccountEventPublisher(KafkaTemplate<String, String> kafka, PublicationProgress progress) {
        this.kafka = kafka;
        this.progress = progress;
    }

    @EventHandler
    void publish(Object payload, EventMessage<?> event, TrackingToken token) throws JsonProcessingException {
        EventEnvelope envelope = envelope(payload, event, token);
        String key = envelope.aggregateId() != null ? envelope.aggregateId() : envelope.eventId();
        CompletableFuture<SendResult<String, String>> sent =
                kafka.send(KafkaTopics.EVENTS, key, json.writeValueAsString(envelope));
        pendingSends().add(sent);
        progress.published(envelope.globalIndex());
    }

    @SuppressWarnings("unchecked")
    private EventEnvelope envelope(Object payload, EventMessage<?> event, TrackingToken token) {
        String aggregateType = null;
        String aggregateId = null;
        long sequenceNumber = 0;
        if (event instanceof DomainEventMessage<?> domain) {
            aggregateType = domain.getType();
            aggregateId = domain.getAggregateIdentifier();
            sequenceNumber = domain.getSequenceNumber();
        }
        String simpleName = event.getPayloadType().getSimpleName();
        String type = simpleName.endsWith("Event") ? simpleName.substring(0, simpleName.length() - 5) : simpleName;
        OptionalLong globalIndex = token == null ? OptionalLong.empty() : token.position();
        return new EventEnvelope(event.getIdentifier(), aggregateType, aggregateId,
                                 "Account".equals(aggregateType) ? aggregateId : null,
                                 sequenceNumber, globalIndex.orElse(-1), type, event.getPayloadType().getName(),
                                 revisionOf(event), event.getTimestamp().toString(),
                                 json.convertValue(payload, Map.class), Map.copyOf(event.getMetaData()));
    }

    private static String revisionOf(EventMessage<?> event) {
        var revision = event.getPayloadType().getAnnotation(org.axonframework.serialization.Revision.class);
        return revision == null ? null : revision.value();
    }

    /**
     * The sends of the current batch; the batch's unit of work waits for all of them before it commits the token.
     */
    private List<CompletableFuture<?>> pendingSends() {
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        return root.getOrComputeResource(PENDING_SENDS, key -> {
            List<CompletableFuture<?>> sends = new ArrayList<>();
            root.onPrepareCommit(uow -> awaitAcknowledgements(sends));
            return sends;
        });
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
