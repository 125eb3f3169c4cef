package io.accountlifecycle.service.batch;

import io.accountlifecycle.service.roles.Roles;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import io.accountlifecycle.api.DeletionBatchApprovedEvent;
import io.accountlifecycle.api.DeletionBatchCancelledEvent;
import io.accountlifecycle.api.DeletionBatchCreatedEvent;
import io.accountlifecycle.api.DeletionBatchRequestsSentEvent;
import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.RecordDeletionBatchRequestsSentCommand;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.account.query.AccountStates;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.deletion.DeletionPolicy;
import io.accountlifecycle.service.deletion.DeletionSettings;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Requests the deletions of a batch once it may go ahead (created below the thresholds, or approved), a chunk at a
 * time: each chunk's requests commit together with the batch's {@code DeletionBatchRequestsSent} for that chunk, whose
 * handling starts the next chunk. A batch cancelled meanwhile refuses the next chunk's event, which rolls that
 * chunk's requests back; a batch that meets an open deletion breaker waits for its reset. Each account is checked
 * again when its turn comes — at once, after an approval or after a breaker reset: one that is no longer Active is
 * skipped, and one that no longer matches the preview's criteria (seen in use since, moved to another plan) or has
 * become protected is left out, with the reason.
 */
@Component
@ProcessingGroup(DeletionBatchExecutor.PROCESSING_GROUP)
@ConditionalOnProperty(name = Roles.DELETION_SAGA, havingValue = "true", matchIfMissing = true)
public class DeletionBatchExecutor {

    public static final String PROCESSING_GROUP = "deletion-batch-executor";

    private final CommandSender commands;
    private final EventStore events;
    private final AccountStates accounts;
    private final DeletionPolicy policy;
    private final Clock clock;
    /** Accounts per transaction: Axon re-reads a unit of work's staged events on every load, so keep units small. */
    private final int chunkSize;

    DeletionBatchExecutor(CommandSender commands, EventStore events, AccountStates accounts, DeletionPolicy policy,
                          DeletionSettings settings, Clock clock) {
        this.chunkSize = Math.max(1, settings.requestChunkSize());
        this.commands = commands;
        this.events = events;
        this.accounts = accounts;
        this.policy = policy;
        this.clock = clock;
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
        int to = Math.min(from + chunkSize, created.accountIds().size());
        List<UUID> chunk = created.accountIds().subList(from, to);
        Map<UUID, AccountState> states = accounts.of(chunk);
        Map<UUID, Instant> lastSeen = created.inactiveSince() == null ? Map.of() : accounts.lastActivity(chunk);
        Instant now = clock.instant();
        List<UUID> requested = new ArrayList<>();
        List<DeletionBatchRequestsSentEvent.LeftOut> leftOut = new ArrayList<>();
        for (UUID accountId : chunk) {
            AccountState state = states.get(accountId);
            if (!state.deletable()) {
                continue; // no longer Active, or someone else's deletion is under way: skipped
            }
            String why = leftOutBecause(created, state, lastSeen.get(accountId), now);
            if (why != null) {
                leftOut.add(new DeletionBatchRequestsSentEvent.LeftOut(accountId, why));
            } else {
                requested.add(accountId);
            }
        }
        // An open breaker fails this event: the processor retries it (backing off) until an admin resets the
        // breaker, so the batch pauses and then resumes, losing nothing (and re-checking every account then).
        Origin origin = Origin.of(created.requestedBy()).inBatch(batchId);
        policy.requestForBatch(requested, created.reason(), created.requestedBy(), origin);
        Boolean recorded = commands.sendAndWait(new RecordDeletionBatchRequestsSentCommand(
                batchId, from, to, created.accountIds().size(), requested.size(), chunk.size() - requested.size(),
                leftOut), origin);
        if (!Boolean.TRUE.equals(recorded)) {
            throw new IllegalStateException("Batch " + batchId + " was cancelled while accounts " + from + ".." + to
                                            + " were being requested; none of them is kept");
        }
    }

    /** Why an Active account of the batch no longer qualifies, or null when it still does. */
    private String leftOutBecause(DeletionBatchCreatedEvent batch, AccountState state, Instant lastActivityAt,
                                  Instant now) {
        String held = DeletionBatches.underLegalHold(state, now);
        if (held != null) {
            return held;
        }
        String protection = policy.protectedReason(state, now);
        if (protection != null) {
            return protection;
        }
        if (!batch.plans().isEmpty() && !batch.plans().contains(state.plan())) {
            return "moved to plan " + state.plan() + ", not among the batch's plans " + batch.plans();
        }
        if (batch.inactiveSince() != null) {
            Instant seen = lastActivityAt != null ? lastActivityAt : state.openedAt();
            if (seen != null && !seen.isBefore(batch.inactiveSince())) {
                return "seen in use at " + seen + ", not inactive since " + batch.inactiveSince();
            }
        }
        return null;
    }
}
