package io.accountlifecycle.service.kafka.publication;

import io.accountlifecycle.service.roles.Roles;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountProfileUpdatedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.EventEnvelope;
import io.accountlifecycle.service.eventstore.EventEnvelopes;
import io.accountlifecycle.service.eventstore.EventTable;
import io.accountlifecycle.service.eventstore.EventTable.StoredPosition;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.personal.PersonalDataSealer;
import io.accountlifecycle.service.personal.RecordAuthentication;
import org.axonframework.config.ProcessingGroup;
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
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes every stored event to {@code account.events}: the event store is the outbox. Runs in a streaming
 * processor, so it resumes from its token after a restart; events of one aggregate are in one segment, in order,
 * and keyed by aggregate id, so they land in one partition in order. A batch's token only advances after the broker
 * acknowledged every record of the batch: at least once, never skipped. Every record carries its authentication tag
 * ({@link RecordAuthentication}), which a restore checks.
 */
@Component
@ProcessingGroup(AccountEventPublisher.PROCESSING_GROUP)
@ConditionalOnProperty(name = Roles.EVENT_PUBLICATION, havingValue = "true", matchIfMissing = true)
public class AccountEventPublisher {

    public static final String PROCESSING_GROUP = "account-events-publisher";
    private static final String PENDING_BATCH = AccountEventPublisher.class.getName() + ".batch";
    /**
     * Longer than the producer's {@code delivery.timeout.ms} (60 s, application.yml): a record this batch gave up on
     * has been given up by the producer too, so it cannot land after the retry's records — a purged key's record
     * arriving after its tombstone would survive compaction.
     */
    private static final long ACK_TIMEOUT_SECONDS = 75;

    private final KafkaTemplate<String, String> kafka;
    private final JdbcTemplate jdbc;
    private final EventTable events;
    private final TaggedRecords records;

    public AccountEventPublisher(KafkaTemplate<String, String> kafka, JdbcTemplate jdbc, EventTable events,
                                 RecordAuthentication authentication) {
        this.kafka = kafka;
        this.jdbc = jdbc;
        this.events = events;
        this.records = new TaggedRecords(authentication);
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
        Map<String, StoredPosition> stored = events.positions(
                batch.stream().map(EventMessage::getIdentifier).toList());
        Map<String, byte[]> wrappedKeys = wrappedKeys(batch);
        List<CompletableFuture<?>> sends = new ArrayList<>(batch.size());
        for (EventMessage<?> event : batch) {
            StoredPosition where = stored.get(event.getIdentifier());
            if (where == null) {
                throw new IllegalStateException("Event " + event.getIdentifier() + " is not in the store");
            }
            EventEnvelope envelope = EventEnvelopes.of(event, where);
            String key = envelope.aggregateId() != null ? envelope.aggregateId() : envelope.eventId();
            sends.add(send(KafkaTopics.EVENTS, key, EventEnvelopes.json(envelope)));
            sends.addAll(keyRecords(event.getPayload(), wrappedKeys));
        }
        awaitAcknowledgements(sends);
    }

    /**
     * The account's data key, wrapped by the master key, on the compacted {@code account.keys} after the event that
     * sealed with it; a tombstone after its purge, which compaction turns into the key's end on the topic too.
     */
    private List<CompletableFuture<?>> keyRecords(Object payload, Map<String, byte[]> wrappedKeys) {
        if (payload instanceof AccountPurgedEvent purged) {
            return List.of(send(KafkaTopics.KEYS, PersonalDataSealer.keyIdOf(purged.accountId()), null));
        }
        UUID account = sealingAccount(payload);
        byte[] wrapped = account == null ? null : wrappedKeys.get(PersonalDataSealer.keyIdOf(account));
        if (wrapped == null) {
            return List.of(); // sealed nothing, or purged since: its tombstone follows
        }
        return List.of(kafka.send(records.dataKey(PersonalDataSealer.keyIdOf(account), wrapped)));
    }

    private CompletableFuture<?> send(String topic, String key, String value) {
        return kafka.send(records.record(topic, null, key, value));
    }

    /** A data key as {@code account.keys} carries it: only ever wrapped by the master key. */
    public record WrappedDataKey(String keyId, String wrappedKey) {
    }

    private static UUID sealingAccount(Object payload) {
        if (payload instanceof AccountOpenedEvent opened) {
            return opened.accountId();
        }
        if (payload instanceof AccountProfileUpdatedEvent updated) {
            return updated.accountId();
        }
        return null;
    }

    private Map<String, byte[]> wrappedKeys(List<EventMessage<?>> batch) {
        String[] ids = batch.stream().map(event -> sealingAccount(event.getPayload())).filter(Objects::nonNull)
                            .map(PersonalDataSealer::keyIdOf).distinct().toArray(String[]::new);
        if (ids.length == 0) {
            return Map.of();
        }
        Map<String, byte[]> keys = new HashMap<>();
        jdbc.query(connection -> {
            var query = connection.prepareStatement(
                    "select key_id, wrapped_key from account_data_key where key_id = any(?)");
            query.setArray(1, connection.createArrayOf("varchar", ids));
            return query;
        }, (RowCallbackHandler) row -> keys.put(row.getString(1), row.getBytes(2)));
        return keys;
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
