package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.DeletionBatchApprovedEvent;
import io.accountlifecycle.api.DeletionBatchCancelledEvent;
import io.accountlifecycle.api.DeletionBatchCreatedEvent;
import io.accountlifecycle.api.DeletionBatchRequestsSentEvent;
import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.api.RecordDeletionBatchRequestsSentCommand;
import io.accountlifecycle.api.RequestAccountDeletionCommand;
import io.accountlifecycle.service.account.query.AccountHistory;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.UUID;

/**
 * Requests the deletions of a batch once it may go ahead (created below the thresholds, or approved), all in one
 * transaction with the batch's {@code DeletionBatchRequestsSent}: either every deletion is requested or none is.
 * A batch cancelled meanwhile refuses that event, which rolls the requests back; a batch that meets an open deletion
 * breaker waits for its reset.
 */
@Component
@ProcessingGroup(DeletionBatchExecutor.PROCESSING_GROUP)
class DeletionBatchExecutor {

    static final String PROCESSING_GROUP = "deletion-batch-executor";

    private final CommandGateway commands;
    private final EventStore events;
    private final AccountHistory history;
    private final DeletionBreakerGuard breaker;

    DeletionBatchExecutor(CommandGateway commands, EventStore events, AccountHistory history,
                          DeletionBreakerGuard breaker) {
        this.commands = commands;
        this.events = events;
        this.history = history;
        this.breaker = breaker;
    }

    @EventHandler
    void on(DeletionBatchCreatedEvent event) {
        if (event.state() == DeletionBatchState.IN_PROGRESS) {
            requestDeletions(event.batchId());
        }
    }

    @EventHandler
    void on(DeletionBatchApprovedEvent event) {
        requestDeletions(event.batchId());
    }

    private void requestDeletions(UUID batchId) {
        DeletionBatchCreatedEvent created = null;
        for (DomainEventMessage<?> message : events.readEvents(batchId.toString()).asStream().toList()) {
            Object payload = message.getPayload();
            if (payload instanceof DeletionBatchCreatedEvent c) {
                created = c;
            } else if (payload instanceof DeletionBatchRequestsSentEvent
                       || payload instanceof DeletionBatchCancelledEvent) {
                return; // done before (a redelivery), or undone before it ran
            }
        }
        if (created == null) {
            throw new IllegalStateException("No batch " + batchId);
        }
        // An open breaker fails this event: the processor retries it (backing off) until an admin resets the
        // breaker, so the batch pauses and then resumes, losing nothing.
        breaker.check();
        MetaData metaData = MetaData.from(Map.of(MetaDataKeys.ACTOR, created.requestedBy(),
                                                 MetaDataKeys.BATCH_ID, batchId.toString()));
        int requested = 0;
        int skipped = 0;
        for (UUID accountId : created.accountIds()) {
            if (AccountDeletionState.of(history, accountId).deletable()) {
                commands.sendAndWait(new RequestAccountDeletionCommand(accountId, created.reason(),
                                                                       created.requestedBy()), metaData);
                requested++;
            } else {
                skipped++;
            }
        }
        Boolean recorded = commands.sendAndWait(new RecordDeletionBatchRequestsSentCommand(batchId, requested,
                                                                                           skipped), metaData);
        if (!Boolean.TRUE.equals(recorded)) {
            throw new IllegalStateException("Batch " + batchId + " was cancelled while its deletions were being "
                                            + "requested; none of them is kept");
        }
    }
}
