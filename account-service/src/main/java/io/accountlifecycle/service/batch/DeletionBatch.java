package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.ApproveDeletionBatchCommand;
import io.accountlifecycle.api.CancelDeletionBatchCommand;
import io.accountlifecycle.api.CreateDeletionBatchCommand;
import io.accountlifecycle.api.DeletionBatchApprovedEvent;
import io.accountlifecycle.api.DeletionBatchCancelledEvent;
import io.accountlifecycle.api.DeletionBatchCreatedEvent;
import io.accountlifecycle.api.DeletionBatchExpiredEvent;
import io.accountlifecycle.api.ExpireDeletionBatchCommand;
import io.accountlifecycle.api.DeletionBatchRejectedEvent;
import io.accountlifecycle.api.DeletionBatchRequestsSentEvent;
import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.RecordDeletionBatchRequestsSentCommand;
import io.accountlifecycle.api.RejectDeletionBatchCommand;
import io.accountlifecycle.service.account.AccountRules;
import io.accountlifecycle.service.account.DeletionConflictException;
import io.accountlifecycle.service.account.SelfApprovalException;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.util.Objects;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A bulk deletion, event-sourced: what it deletes (fixed at creation, from a preview), who asked, who approved or
 * rejected it, whether its deletions were requested, and whether it was undone. Its approval, rejection and
 * cancellation are events, so they hold across instances and come back with a restore.
 */
@Aggregate
public class DeletionBatch {

    @AggregateIdentifier
    private UUID batchId;
    private DeletionBatchState state;
    private String requestedBy;
    /** How many of the batch's accounts (in creation order) had their deletion requested so far. */
    private int requestedUpTo;

    protected DeletionBatch() {
        // for Axon
    }

    @CommandHandler
    public DeletionBatch(CreateDeletionBatchCommand command) {
        AccountRules.check()
                    .require(command.accountIds() != null && !command.accountIds().isEmpty(), "accountIds",
                             "must name at least one account")
                    .reason("reason", command.reason())
                    .enforce();
        apply(new DeletionBatchCreatedEvent(command.batchId(), command.accountIds(), command.reason(),
                                            command.requestedBy(), command.monthlyValueAtRisk(),
                                            command.needsApproval() ? DeletionBatchState.PENDING_APPROVAL
                                                                    : DeletionBatchState.IN_PROGRESS,
                                            command.inactiveSince(), command.plans()));
    }

    @CommandHandler
    public void handle(ApproveDeletionBatchCommand command) {
        requirePendingApproval();
        requireSecondPerson(command.approvedBy());
        apply(new DeletionBatchApprovedEvent(batchId, command.approvedBy()));
    }

    @CommandHandler
    public void handle(RejectDeletionBatchCommand command) {
        requirePendingApproval();
        requireSecondPerson(command.rejectedBy());
        apply(new DeletionBatchRejectedEvent(batchId, command.rejectedBy(), command.reason()));
    }

    @CommandHandler
    public boolean handle(RecordDeletionBatchRequestsSentCommand command) {
        if (state != DeletionBatchState.IN_PROGRESS || command.from() != requestedUpTo) {
            return false; // cancelled, or a redelivered chunk: its requests roll back
        }
        apply(new DeletionBatchRequestsSentEvent(batchId, command.from(), command.to(), command.total(),
                                                 command.requested(), command.skipped(), command.leftOut()));
        return true;
    }

    /** A batch that still waits for approval expires; one decided meanwhile is left alone. */
    @CommandHandler
    public void handle(ExpireDeletionBatchCommand command) {
        if (state == DeletionBatchState.PENDING_APPROVAL) {
            apply(new DeletionBatchExpiredEvent(batchId));
        }
    }

    @CommandHandler
    public void handle(CancelDeletionBatchCommand command) {
        if (state != DeletionBatchState.IN_PROGRESS) {
            throw new DeletionConflictException("Batch " + batchId + " is " + state + "; only a batch whose "
                                                + "deletions were requested can be cancelled");
        }
        apply(new DeletionBatchCancelledEvent(batchId, command.cancelledBy(), command.reason(), command.restored(),
                                              command.alreadyPurged()));
    }

    private void requirePendingApproval() {
        if (state != DeletionBatchState.PENDING_APPROVAL) {
            throw new DeletionConflictException("Batch " + batchId + " is " + state + ", not waiting for approval");
        }
    }

    private void requireSecondPerson(String approver) {
        if (Objects.equals(approver, requestedBy)) {
            throw new SelfApprovalException(batchId, approver);
        }
    }

    @EventSourcingHandler
    void on(DeletionBatchCreatedEvent event) {
        batchId = event.batchId();
        state = event.state();
        requestedBy = event.requestedBy();
    }

    @EventSourcingHandler
    void on(DeletionBatchApprovedEvent event) {
        state = DeletionBatchState.IN_PROGRESS;
    }

    @EventSourcingHandler
    void on(DeletionBatchRejectedEvent event) {
        state = DeletionBatchState.REJECTED;
    }

    @EventSourcingHandler
    void on(DeletionBatchExpiredEvent event) {
        state = DeletionBatchState.EXPIRED;
    }

    @EventSourcingHandler
    void on(DeletionBatchRequestsSentEvent event) {
        requestedUpTo = event.to();
    }

    @EventSourcingHandler
    void on(DeletionBatchCancelledEvent event) {
        state = DeletionBatchState.CANCELLED;
    }
}
