package io.accountlifecycle.service.account;

import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent;
import io.accountlifecycle.api.AccountDeletionApprovedEvent;
import io.accountlifecycle.api.AccountDeletionRejectedEvent;
import io.accountlifecycle.api.ApproveAccountDeletionCommand;
import io.accountlifecycle.api.RejectAccountDeletionCommand;
import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.CancelAccountDeletionCommand;
import io.accountlifecycle.api.PurgeAccountCommand;
import io.accountlifecycle.api.QuarantineAccountCommand;
import io.accountlifecycle.api.RequestAccountDeletionCommand;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPlanChangedEvent;
import io.accountlifecycle.api.AccountProfileUpdatedEvent;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.ChangeAccountPlanCommand;
import io.accountlifecycle.api.OpenAccountCommand;
import io.accountlifecycle.api.PersonalText;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.RecordAccountActivityCommand;
import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.api.UpdateAccountProfileCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * The account, event-sourced: command handlers validate and apply, event sourcing handlers only assign. Personal
 * fields arrive sealed by the intake and stay sealed here; the plaintext is used for validation only.
 */
@Aggregate
public class Account {

    @AggregateIdentifier
    private UUID accountId;
    private AccountStatus status;
    private SealedValue email;
    private SealedValue displayName;
    private Plan plan;
    private boolean protectedAccount;
    private Instant lastActivityAt;
    private boolean deletionRequested;
    /** Set while the deletion of this protected account waits for a second admin. */
    private String approvalRequestedBy;
    private String approvalReason;
    private Instant purgeDueAt;

    protected Account() {
        // for Axon
    }

    /**
     * Opening loads the stream first (create-if-missing) so that a second open of the same id is a rule of the
     * aggregate, not only a unique-key violation in the store; the store's constraint still settles races.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(OpenAccountCommand command) {
        if (accountId != null) {
            throw new AccountAlreadyExistsException(command.accountId());
        }
        AccountRules.check()
                    .require(command.accountId() != null, "accountId", "must not be null")
                    .email("email", plaintext(command.email()))
                    .displayName("displayName", plaintext(command.displayName()))
                    .plan("plan", command.plan())
                    .enforce();
        apply(new AccountOpenedEvent(command.accountId(),
                                     command.email().sealed(),
                                     command.displayName().sealed(),
                                     command.plan(),
                                     command.protectedAccount()));
    }

    @CommandHandler
    public void handle(UpdateAccountProfileCommand command) {
        requireActive();
        AccountRules rules = AccountRules.check()
                                         .require(command.email() != null || command.displayName() != null,
                                                  "email", "give email and/or displayName");
        if (command.email() != null) {
            rules.email("email", plaintext(command.email()));
        }
        if (command.displayName() != null) {
            rules.displayName("displayName", plaintext(command.displayName()));
        }
        rules.enforce();
        apply(new AccountProfileUpdatedEvent(accountId,
                                             command.email() == null ? null : command.email().sealed(),
                                             command.displayName() == null ? null : command.displayName().sealed()));
    }

    @CommandHandler
    public void handle(ChangeAccountPlanCommand command) {
        requireActive();
        AccountRules.check().plan("plan", command.plan()).enforce();
        if (command.plan() == plan) {
            return; // already on it: nothing happened, nothing to record
        }
        apply(new AccountPlanChangedEvent(accountId, plan, command.plan()));
    }

    @CommandHandler
    public void handle(RecordAccountActivityCommand command) {
        requireActive();
        AccountRules.check()
                    .require(command.lastActivityAt() != null, "lastActivityAt", "must not be null")
                    .enforce();
        if (lastActivityAt != null && !command.lastActivityAt().isAfter(lastActivityAt)) {
            return; // late or repeated report: the last-seen instant only moves forward
        }
        apply(new AccountActivityRecordedEvent(accountId, command.lastActivityAt()));
    }

    @CommandHandler
    public void handle(RequestAccountDeletionCommand command) {
        requireActive();
        if (deletionRequested) {
            throw new DeletionConflictException("Deletion of account " + accountId + " was already requested");
        }
        if (approvalRequestedBy != null) {
            throw new DeletionConflictException("Deletion of account " + accountId + " already waits for approval");
        }
        AccountRules.check().reason("reason", command.reason()).enforce();
        if (command.approvalRequired()) {
            apply(new AccountDeletionApprovalRequestedEvent(accountId, command.reason(), command.requestedBy()));
        } else {
            apply(new AccountDeletionRequestedEvent(accountId, command.reason(), command.requestedBy()));
        }
    }

    @CommandHandler
    public void handle(ApproveAccountDeletionCommand command) {
        String requester = requirePendingApproval(command.approvedBy());
        apply(new AccountDeletionApprovedEvent(accountId, command.approvedBy()));
        apply(new AccountDeletionRequestedEvent(accountId, approvalReason, requester));
    }

    @CommandHandler
    public void handle(RejectAccountDeletionCommand command) {
        requirePendingApproval(command.rejectedBy());
        apply(new AccountDeletionRejectedEvent(accountId, command.rejectedBy(), command.reason()));
    }

    /** Returns who asked; refuses when nothing waits or when the requester decides on their own request. */
    private String requirePendingApproval(String decider) {
        requireActive();
        if (approvalRequestedBy == null) {
            throw new DeletionConflictException("Deletion of account " + accountId + " does not wait for approval");
        }
        if (approvalRequestedBy.equals(decider)) {
            throw new SelfApprovalException(accountId, decider);
        }
        return approvalRequestedBy;
    }

    @CommandHandler
    public void handle(QuarantineAccountCommand command) {
        if (status == AccountStatus.QUARANTINED) {
            // Already held: a redelivery, or the saga of an earlier request (cancelled, then requested again while the
            // saga processor lagged) got here first. The saga of this request adopts that hold from its event.
            return;
        }
        if (status != AccountStatus.ACTIVE || !deletionRequested) {
            throw new DeletionConflictException("Account " + accountId + " has no pending deletion to quarantine");
        }
        apply(new AccountQuarantinedEvent(accountId, command.purgeDueAt()));
    }

    @CommandHandler
    public void handle(CancelAccountDeletionCommand command) {
        if (status == AccountStatus.PURGED) {
            throw new AccountPurgedException(accountId);
        }
        if (status != AccountStatus.QUARANTINED && !deletionRequested) {
            throw new DeletionConflictException("Account " + accountId + " has no deletion to cancel");
        }
        AccountRules.check().reason("reason", command.reason()).enforce();
        apply(new AccountDeletionCancelledEvent(accountId, command.reason(), command.cancelledBy()));
    }

    @CommandHandler
    public void handle(PurgeAccountCommand command) {
        if (status == AccountStatus.PURGED) {
            return; // a redelivered purge has exactly one effect
        }
        if (status != AccountStatus.QUARANTINED) {
            throw new DeletionConflictException("Account " + accountId + " is not quarantined; it cannot be purged");
        }
        apply(new AccountPurgedEvent(accountId));
    }

    private void requireActive() {
        if (status == AccountStatus.QUARANTINED) {
            throw new AccountQuarantinedException(accountId, purgeDueAt);
        }
        if (status == AccountStatus.PURGED) {
            throw new AccountPurgedException(accountId);
        }
    }

    @EventSourcingHandler
    void on(AccountDeletionRequestedEvent event) {
        deletionRequested = true;
        approvalRequestedBy = null;
        approvalReason = null;
    }

    @EventSourcingHandler
    void on(AccountDeletionApprovalRequestedEvent event) {
        approvalRequestedBy = event.requestedBy() == null ? "" : event.requestedBy();
        approvalReason = event.reason();
    }

    @EventSourcingHandler
    void on(AccountDeletionRejectedEvent event) {
        approvalRequestedBy = null;
        approvalReason = null;
    }

    @EventSourcingHandler
    void on(AccountQuarantinedEvent event) {
        status = AccountStatus.QUARANTINED;
        purgeDueAt = event.purgeDueAt();
    }

    @EventSourcingHandler
    void on(AccountDeletionCancelledEvent event) {
        status = AccountStatus.ACTIVE;
        deletionRequested = false;
        purgeDueAt = null;
    }

    @EventSourcingHandler
    void on(AccountPurgedEvent event) {
        status = AccountStatus.PURGED;
        deletionRequested = false;
        email = null;
        displayName = null;
    }

    @EventSourcingHandler
    void on(AccountOpenedEvent event) {
        accountId = event.accountId();
        status = AccountStatus.ACTIVE;
        email = event.email();
        displayName = event.displayName();
        plan = event.plan();
        protectedAccount = event.protectedAccount();
    }

    @EventSourcingHandler
    void on(AccountProfileUpdatedEvent event) {
        if (event.email() != null) {
            email = event.email();
        }
        if (event.displayName() != null) {
            displayName = event.displayName();
        }
    }

    @EventSourcingHandler
    void on(AccountPlanChangedEvent event) {
        plan = event.plan();
    }

    @EventSourcingHandler
    void on(AccountActivityRecordedEvent event) {
        lastActivityAt = event.lastActivityAt();
    }

    private static String plaintext(PersonalText text) {
        return text == null ? null : text.value();
    }
}
