package io.accountlifecycle.service.account;

import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.api.AccountErasureDeadlineExtendedEvent;
import io.accountlifecycle.api.AccountLegalHoldAppliedEvent;
import io.accountlifecycle.api.AccountLegalHoldLiftedEvent;
import io.accountlifecycle.api.AccountPurgeBlockedByHoldEvent;
import io.accountlifecycle.api.AccountPurgeExpediteRequestedEvent;
import io.accountlifecycle.api.AccountPurgeExpeditedEvent;
import io.accountlifecycle.api.ApplyLegalHoldCommand;
import io.accountlifecycle.api.ApprovePurgeExpediteCommand;
import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.api.ErasureRequest;
import io.accountlifecycle.api.ExtendErasureDeadlineCommand;
import io.accountlifecycle.api.LiftLegalHoldCommand;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.PurgeOutcome;
import io.accountlifecycle.api.RequestPurgeExpediteCommand;
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

import java.time.Clock;
import java.time.Instant;
import java.util.List;
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
@Revision("2")
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
    public void handle(RequestAccountDeletionCommand command, DeletionSafeguards safeguards, Clock clock) {
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
        boolean erasure = command.kind() == DeletionKind.ERASURE;
        AccountRules.check()
                    .reason("reason", command.reason())
                    .require(!erasure || command.receivedAt() != null, "receivedAt",
                             "an erasure request needs the instant the person asked")
                    .require(!erasure || command.receivedAt() == null
                             || !command.receivedAt().isAfter(clock.instant()), "receivedAt",
                             "must not be in the future")
                    .require(!erasure || command.erasureDeadline() != null, "erasureDeadline",
                             "an erasure request needs its deadline")
                    .require(erasure || command.receivedAt() == null, "receivedAt",
                             "only an ERASURE request has one")
                    .enforce();
        DeletionKind kind = erasure ? DeletionKind.ERASURE : null; // standard as before: no new fields stored
        if (command.approvalRequired()) {
            apply(new AccountDeletionApprovalRequestedEvent(accountId, command.reason(), command.requestedBy(), kind,
                                                            command.receivedAt(), command.erasureDeadline()));
        } else {
            apply(new AccountDeletionRequestedEvent(accountId, command.reason(), command.requestedBy(), kind,
                                                    command.receivedAt(), command.erasureDeadline()));
        }
    }

    @CommandHandler
    public void handle(ApproveAccountDeletionCommand command) {
        String requester = requirePendingApproval(command.approvedBy());
        ErasureRequest erasure = state.approval().erasure();
        apply(new AccountDeletionApprovedEvent(accountId, command.approvedBy()));
        apply(new AccountDeletionRequestedEvent(accountId, state.approval().reason(), requester,
                                                erasure == null ? null : DeletionKind.ERASURE,
                                                erasure == null ? null : erasure.receivedAt(),
                                                erasure == null ? null : erasure.deadline()));
    }

    @CommandHandler
    public void handle(RejectAccountDeletionCommand command) {
        requirePendingApproval(command.rejectedBy());
        apply(new AccountDeletionRejectedEvent(accountId, command.rejectedBy(), command.reason()));
    }

    /**
     * Extends an open erasure request's deadline (GDPR Art. 12(3)): decided before the original deadline, with a
     * reason, to a later instant at most {@code account.erasure.max-extension} (two months) past the original.
     */
    @CommandHandler
    public void handle(ExtendErasureDeadlineCommand command, ErasureSettings settings, Clock clock) {
        requireNotPurged();
        AccountState.Erasure erasure = state.erasure();
        if (erasure == null || !state.deletionRequested()) {
            throw new DeletionConflictException("Account " + accountId + " has no open erasure request to extend");
        }
        Instant now = clock.instant();
        Instant latest = settings.latestExtension(erasure.deadline());
        AccountRules.check()
                    .reason("reason", command.reason())
                    .require(command.until() != null, "until", "must not be null")
                    .require(command.until() == null || command.until().isAfter(erasure.deadline()), "until",
                             "must be after the deadline " + erasure.deadline())
                    .require(command.until() == null || !command.until().isAfter(latest), "until",
                             "at most " + settings.maxExtension() + " past the deadline: no later than " + latest)
                    .enforce();
        if (!now.isBefore(erasure.deadline())) {
            throw new DeletionConflictException("The erasure deadline of account " + accountId + " ("
                                                + erasure.deadline() + ") has passed: an extension must be decided "
                                                + "before it");
        }
        apply(new AccountErasureDeadlineExtendedEvent(accountId, command.until(), command.reason(),
                                                      command.extendedBy()));
    }

    /** Records legal hold {@code holdId} on the account; a purged account has nothing left to hold. */
    @CommandHandler
    public void handle(ApplyLegalHoldCommand command) {
        requireNotPurged();
        if (state.legalHolds().containsKey(command.holdId())) {
            return; // already recorded: the hold's coverage is applied again after a crash, to the same effect
        }
        AccountRules.check()
                    .require(state.legalHolds().size() < Limits.MAX_LEGAL_HOLDS_PER_ACCOUNT, "holdId",
                             "the account already records " + Limits.MAX_LEGAL_HOLDS_PER_ACCOUNT + " legal holds; "
                             + "release one first")
                    .enforce();
        apply(new AccountLegalHoldAppliedEvent(accountId, command.holdId(), command.matter(), command.endsAt()));
    }

    @CommandHandler
    public void handle(LiftLegalHoldCommand command) {
        if (state.legalHolds().containsKey(command.holdId())) {
            apply(new AccountLegalHoldLiftedEvent(accountId, command.holdId()));
        }
    }

    /** Asks to purge a quarantined account before its hold ends; a second person decides. Never under a legal hold. */
    @CommandHandler
    public void handle(RequestPurgeExpediteCommand command, Clock clock) {
        requireQuarantinedWithoutHold(clock.instant());
        if (state.expedite() != null) {
            throw new DeletionConflictException("An early purge of account " + accountId + " already waits for "
                                                + "approval");
        }
        AccountRules.check().reason("reason", command.reason()).enforce();
        apply(new AccountPurgeExpediteRequestedEvent(accountId, command.reason(), command.requestedBy()));
    }

    @CommandHandler
    public void handle(ApprovePurgeExpediteCommand command, Clock clock) {
        requireQuarantinedWithoutHold(clock.instant());
        if (state.expedite() == null) {
            throw new DeletionConflictException("No early purge of account " + accountId + " waits for approval");
        }
        if (state.expedite().requestedBy().equals(command.approvedBy())) {
            throw new SelfApprovalException(accountId, command.approvedBy());
        }
        apply(new AccountPurgeExpeditedEvent(accountId, command.approvedBy()));
    }

    /** An early purge is for a quarantined account only, and never while a legal hold covers it. */
    private void requireQuarantinedWithoutHold(Instant now) {
        requireNotPurged();
        if (state.status() != AccountStatus.QUARANTINED) {
            throw new DeletionConflictException("Account " + accountId + " is not quarantined; its purge cannot be "
                                                + "brought forward");
        }
        List<UUID> holds = state.holdsInForce(now);
        if (!holds.isEmpty()) {
            throw new DeletionConflictException("Account " + accountId + " is under legal hold " + holds
                                                + "; its purge cannot be brought forward while a legal "
                                                + "obligation holds its data");
        }
    }

    private void requireNotPurged() {
        if (state.status() == AccountStatus.PURGED) {
            throw new AccountPurgedException(accountId);
        }
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

    /**
     * Purges a quarantined account — unless a legal hold covers it: then the purge is blocked (recorded once per
     * blocked purge) and the answer says by which holds and until when, so the saga knows when to come back.
     */
    @CommandHandler
    public PurgeOutcome handle(PurgeAccountCommand command, Clock clock) {
        if (state.status() == AccountStatus.PURGED) {
            return PurgeOutcome.PURGED; // a redelivered purge has exactly one effect
        }
        if (state.status() != AccountStatus.QUARANTINED) {
            throw new DeletionConflictException("Account " + accountId + " is not quarantined; it cannot be purged");
        }
        Instant now = clock.instant();
        List<UUID> holds = state.holdsInForce(now);
        if (!holds.isEmpty()) {
            if (!state.purgeBlocked()) {
                apply(new AccountPurgeBlockedByHoldEvent(accountId, holds));
            }
            return new PurgeOutcome(false, holds, state.holdsEndAt(now));
        }
        apply(new AccountPurgedEvent(accountId));
        return PurgeOutcome.PURGED;
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
