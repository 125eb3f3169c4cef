package io.accountlifecycle.service.account;

import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.api.AccountDeletionApprovalExpiredEvent;
import io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent;
import io.accountlifecycle.api.AccountProtectionChangedEvent;
import io.accountlifecycle.api.ChangeAccountProtectionCommand;
import io.accountlifecycle.api.ExpireAccountDeletionApprovalCommand;
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
import io.accountlifecycle.api.RecordAccountActivityCommand;
import io.accountlifecycle.api.UpdateAccountProfileCommand;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * The account, event-sourced: command handlers decide on the {@link AccountState} and apply; the one event sourcing
 * handler hands every event to the state's fold. Personal fields arrive sealed by the intake and stay sealed here;
 * the plaintext is used for validation only.
 * <p>
 * A long history loads from a snapshot ({@link AccountSnapshotConfiguration}), a recently used account from its last
 * committed state in memory ({@link AccountRepository}); both hold this object as it is, its id and its state written
 * field by field by the Jackson serializer, so sealed values stay ciphertext. The revision names what a snapshot
 * holds and the fold that made it: raise it whenever {@link AccountState}'s components or {@link AccountState#after}
 * change, and older snapshots are passed over (the events rebuild the state) rather than trusted.
 */
@Aggregate(repository = AccountRepositoryConfiguration.REPOSITORY)
@Revision("1")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
                isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class Account {

    @AggregateIdentifier
    private UUID accountId;
    /** Everything a decision here needs, folded by {@link AccountState#after} and nowhere else. */
    private AccountState state = AccountState.NONE;

    protected Account() {
        // for Axon
    }

    /**
     * Opening reads nothing: the account is created afresh and its event takes sequence number 0, which the store's
     * unique key on (aggregate, sequence) admits once per id, however many instances race for it. A second open of an
     * id, a purged one's included, is refused there, and {@link AccountCommands#open} answers that refusal as
     * {@link AccountAlreadyExistsException}: ids are never reused.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    public void handle(OpenAccountCommand command) {
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
        if (command.plan() == state.plan()) {
            return; // already on it: nothing happened, nothing to record
        }
        apply(new AccountPlanChangedEvent(accountId, state.plan(), command.plan()));
    }

    @CommandHandler
    public void handle(ChangeAccountProtectionCommand command) {
        requireActive();
        AccountRules.check().reason("reason", command.reason()).enforce();
        if (command.protectedAccount() == state.protectedAccount()) {
            return; // already so: nothing happened, nothing to record
        }
        apply(new AccountProtectionChangedEvent(accountId, command.protectedAccount(), command.changedBy(),
                                                command.reason()));
    }

    @CommandHandler
    public void handle(RecordAccountActivityCommand command) {
        requireActive();
        AccountRules.check()
                    .require(command.lastActivityAt() != null, "lastActivityAt", "must not be null")
                    .enforce();
        if (state.lastActivityAt() != null && !command.lastActivityAt().isAfter(state.lastActivityAt())) {
            return; // late or repeated report: the last-seen instant only moves forward
        }
        apply(new AccountActivityRecordedEvent(accountId, command.lastActivityAt()));
    }

    @CommandHandler
    public void handle(RequestAccountDeletionCommand command, DeletionSafeguards safeguards) {
        requireActive();
        if (!command.approvalRequired() && !state.deletionRequested() && !state.awaitingApproval()) {
            String protection = safeguards.protectedReason(state);
            if (protection != null) {
                throw new DeletionConflictException("Account " + accountId + " became protected (" + protection
                                                    + ") while its deletion was being decided; request it again");
            }
        }
        if (state.deletionRequested()) {
            throw new DeletionConflictException("Deletion of account " + accountId + " was already requested");
        }
        if (state.awaitingApproval()) {
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
        apply(new AccountDeletionRequestedEvent(accountId, state.approval().reason(), requester));
    }

    @CommandHandler
    public void handle(RejectAccountDeletionCommand command) {
        requirePendingApproval(command.rejectedBy());
        apply(new AccountDeletionRejectedEvent(accountId, command.rejectedBy(), command.reason()));
    }

    /**
     * Expires a deletion that waited for approval since before the command's instant; anything else is left alone.
     * Answers whether it expired.
     */
    @CommandHandler
    public boolean handle(ExpireAccountDeletionApprovalCommand command) {
        if (state.awaitingApproval() && state.approval().requestedAt() != null
            && state.approval().requestedAt().isBefore(command.requestedBefore())) {
            apply(new AccountDeletionApprovalExpiredEvent(accountId, state.approval().requestedBy()));
            return true;
        }
        return !state.awaitingApproval();
    }

    /** Returns who asked; refuses when nothing waits or when the requester decides on their own request. */
    private String requirePendingApproval(String decider) {
        requireActive();
        if (!state.awaitingApproval()) {
            throw new DeletionConflictException("Deletion of account " + accountId + " does not wait for approval");
        }
        String requester = state.approval().requestedBy();
        if (requester.equals(decider)) {
            throw new SelfApprovalException(accountId, decider);
        }
        return requester;
    }

    /**
     * The saga's (or a restore's) step after a request. The breaker is asked again first: a request the saga reaches
     * while the breaker is open is withdrawn, not quarantined — whoever wants it must request it again, through the
     * policy, once the breaker is reset.
     */
    @CommandHandler
    public void handle(QuarantineAccountCommand command, DeletionSafeguards safeguards) {
        if (state.status() == AccountStatus.QUARANTINED) {
            // Already held: a redelivery, or the saga of an earlier request (cancelled, then requested again while the
            // saga processor lagged) got here first. The saga of this request adopts that hold from its event.
            return;
        }
        if (!state.awaitingQuarantine()) {
            throw new DeletionConflictException("Account " + accountId + " has no pending deletion to quarantine");
        }
        if (safeguards.breakerOpen()) {
            apply(new AccountDeletionCancelledEvent(accountId, BREAKER_WITHDRAWAL, "system:deletion-breaker"));
            return;
        }
        apply(new AccountQuarantinedEvent(accountId, command.purgeDueAt()));
    }

    /** The reason a deletion request reached while the breaker was open is withdrawn with. */
    public static final String BREAKER_WITHDRAWAL = "withdrawn: the deletion breaker was open when this request was "
                                                    + "to be quarantined; request it again once an admin has reset it";

    @CommandHandler
    public void handle(CancelAccountDeletionCommand command) {
        if (state.status() == AccountStatus.PURGED) {
            throw new AccountPurgedException(accountId);
        }
        if (state.status() != AccountStatus.QUARANTINED && !state.deletionRequested()) {
            throw new DeletionConflictException("Account " + accountId + " has no deletion to cancel");
        }
        AccountRules.check().reason("reason", command.reason()).enforce();
        apply(new AccountDeletionCancelledEvent(accountId, command.reason(), command.cancelledBy()));
    }

    @CommandHandler
    public void handle(PurgeAccountCommand command) {
        if (state.status() == AccountStatus.PURGED) {
            return; // a redelivered purge has exactly one effect
        }
        if (state.status() != AccountStatus.QUARANTINED) {
            throw new DeletionConflictException("Account " + accountId + " is not quarantined; it cannot be purged");
        }
        apply(new AccountPurgedEvent(accountId));
    }

    private void requireActive() {
        if (state.status() == AccountStatus.QUARANTINED) {
            throw new AccountQuarantinedException(accountId, state.purgeDueAt());
        }
        if (state.status() == AccountStatus.PURGED) {
            throw new AccountPurgedException(accountId);
        }
    }

    @EventSourcingHandler
    void on(Object event, DomainEventMessage<?> message) {
        if (event instanceof Account) {
            return; // a snapshot: Axon hands it to the aggregate it was read into, whose state it already is
        }
        state = state.after(message);
        accountId = state.accountId();
    }

    /**
     * What the aggregate decides on: where a current-state read starts from a snapshot, and what tests compare with
     * the other readers of the same events.
     */
    public AccountState state() {
        return state;
    }

    private static String plaintext(PersonalText text) {
        return text == null ? null : text.value();
    }
}
