package io.accountlifecycle.service.batch;

import io.accountlifecycle.service.roles.Roles;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import io.accountlifecycle.api.DeletionBatchApprovedEvent;
import io.accountlifecycle.api.DeletionBatchCancelledEvent;
import io.accountlifecycle.api.DeletionBatchCreatedEvent;
import io.accountlifecycle.api.DeletionBatchRequestsSentEvent;
import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.RecordDeletionBatchRequestsSentCommand;
import io.accountlifecycle.api.RequestAccountDeletionCommand;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Requests the deletions of a batch once it may go ahead (created below the thresholds, or approved), a chunk at a
 * time: each chunk's requests commit together with the batch's {@code DeletionBatchRequestsSent} for that chunk, whose
 * handling starts the next chunk. A batch cancelled meanwhile refuses the next chunk's event, which rolls that
 * chunk's requests back; a batch that meets an open deletion breaker waits for its reset.
 */
@Component
@ProcessingGroup(DeletionBatchExecutor.PROCESSING_GROUP)
@ConditionalOnProperty(name = Roles.DELETION_SAGA, havingValue = "true", matchIfMissing = true)
public class DeletionBatchExecutor {

    public static final String PROCESSING_GROUP = "deletion-batch-executor";

    private final CommandSender commands;
    private final EventStore events;
    private final AccountStates accounts;
    private final DeletionBreakerGuard breaker;
    /** Accounts per transaction: Axon re-reads a unit of work's staged events on every load, so keep units small. */
    private final int chunkSize;
    /** Checked again per chunk: an account may have moved to a protected plan since the preview. */
    private final Set<Plan> protectedPlans;

    DeletionBatchExecutor(CommandSender commands, EventStore events, AccountStates accounts,
                          DeletionBreakerGuard breaker, DeletionBatchSettings settings) {
        this.chunkSize = Math.max(1, settings.requestChunkSize());
        this.protectedPlans = settings.protectedPlans();
        this.commands = commands;
        this.events = events;
        this.accounts = accounts;
        this.breaker = breaker;
    }

    @EventHandler
    void on(DeletionBatchCreatedEvent event) {
        if (event.state() == DeletionBatchState.IN_PROGRESS) {
            requestChunk(event.batchId(), 0);
        }
    }

    @EventHandler
    void on(DeletionBatchApprovedEvent event) {
        requestChunk(event.batchId(), 0);
    }

    @EventHandler
    void on(DeletionBatchRequestsSentEvent event) {
        if (event.to() < event.total()) {
            requestChunk(event.batchId(), event.to());
        }
    }

    private void requestChunk(UUID batchId, int from) {
        accounts.lockBatch(batchId);
        DeletionBatchCreatedEvent created = null;
        int requestedUpTo = 0;
        for (DomainEventMessage<?> message : events.readEvents(batchId.toString()).asStream().toList()) {
            Object payload = message.getPayload();
            if (payload instanceof DeletionBatchCreatedEvent c) {
                created = c;
            } else if (payload instanceof DeletionBatchRequestsSentEvent sent) {
                requestedUpTo = sent.to();
            } else if (payload instanceof DeletionBatchCancelledEvent) {
                return; // undone: nothing more is requested
            }
        }
        if (created == null) {
            throw new IllegalStateException("No batch " + batchId);
        }
        if (requestedUpTo != from) {
            return; // a redelivery of a chunk already requested
        }
        // An open breaker fails this event: the processor retries it (backing off) until an admin resets the
        // breaker, so the batch pauses and then resumes, losing nothing.
        breaker.check();
        int to = Math.min(from + chunkSize, created.accountIds().size());
        List<UUID> chunk = created.accountIds().subList(from, to);
        Map<UUID, AccountState> states = accounts.of(chunk);
        Origin origin = Origin.of(created.requestedBy()).inBatch(batchId);
        int requested = 0;
        for (UUID accountId : chunk) {
            if (states.get(accountId).deletableByBatch(protectedPlans)) {
                commands.sendAndWait(new RequestAccountDeletionCommand(accountId, created.reason(),
                                                                       created.requestedBy()), origin);
                requested++;
            }
        }
        Boolean recorded = commands.sendAndWait(new RecordDeletionBatchRequestsSentCommand(
                batchId, from, to, created.accountIds().size(), requested, chunk.size() - requested), origin);
        if (!Boolean.TRUE.equals(recorded)) {
            throw new IllegalStateException("Batch " + batchId + " was cancelled while accounts " + from + ".." + to
                                            + " were being requested; none of them is kept");
        }
    }
}
