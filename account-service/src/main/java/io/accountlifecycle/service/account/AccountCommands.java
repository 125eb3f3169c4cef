package io.accountlifecycle.service.account;

import io.accountlifecycle.api.ApprovePurgeExpediteCommand;
import io.accountlifecycle.api.CancelAccountDeletionCommand;
import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.api.ExtendErasureDeadlineCommand;
import io.accountlifecycle.api.RequestPurgeExpediteCommand;
import io.accountlifecycle.api.ChangeAccountPlanCommand;
import io.accountlifecycle.api.ChangeAccountProtectionCommand;
import io.accountlifecycle.api.OpenAccountCommand;
import io.accountlifecycle.api.PersonalText;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.RecordAccountActivityCommand;
import io.accountlifecycle.api.UpdateAccountProfileCommand;
import io.accountlifecycle.service.command.CommandGroups;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.personal.PersonalDataSealer;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The intake's single way into the account aggregate: seals personal fields under the account's key and sends the
 * command with its {@link Origin}. One transaction covers a new data key and the events, so a rejected command
 * leaves neither behind. The frequent commands (sign-ups, profile and plan changes, activity at sign-in) go through
 * {@link CommandGroups}: with {@code account.commands.group.enabled} (off by default, ADR 14) they are committed in
 * groups with whatever else arrives at the same moment. Deletions and their decisions keep a transaction of their own.
 */
@Service
public class AccountCommands {

    private final CommandSender commandSender;
    private final PersonalDataSealer sealer;
    private final DeletionSafeguards safeguards;
    private final CommandGroups groups;
    private final EventStore eventStore;

    public AccountCommands(CommandSender commandSender, PersonalDataSealer sealer, DeletionSafeguards safeguards,
                           CommandGroups groups, EventStore eventStore) {
        this.commandSender = commandSender;
        this.groups = groups;
        this.sealer = sealer;
        this.safeguards = safeguards;
        this.eventStore = eventStore;
    }

    /**
     * Opens without reading the stream ({@link Account}'s creation policy). An id used before is refused by the store's
     * unique key on the account's first event and answered as {@link AccountAlreadyExistsException}, never retried:
     * the refusal aborted the transaction (in the Kafka intake or a group commit, the command's savepoint). Fields that
     * break the rules on an id used before are answered as that conflict too, after one look at the stream's end:
     * whatever the fields, a reused id is a conflict.
     */
    public void open(UUID accountId, String email, String displayName, Plan plan, boolean protectedAccount,
                     Origin origin) {
        groups.run(() -> {
            List<PersonalText> sealed = sealer.sealForNewAccount(accountId, email, displayName);
            try {
                send(new OpenAccountCommand(accountId, sealed.get(0), sealed.get(1), plan, protectedAccount), origin);
            } catch (AggregateStreamCreationException usedBefore) {
                throw new AccountAlreadyExistsException(accountId);
            } catch (AccountRuleViolationException invalid) {
                if (eventStore.lastSequenceNumberFor(accountId.toString()).isPresent()) {
                    throw new AccountAlreadyExistsException(accountId);
                }
                throw invalid;
            }
        });
    }

    public void updateProfile(UUID accountId, String email, String displayName, Origin origin) {
        groups.run(() -> {
            List<PersonalText> sealed = sealer.seal(accountId, email, displayName);
            send(new UpdateAccountProfileCommand(accountId, sealed.get(0), sealed.get(1)), origin);
        });
    }

    public void changePlan(UUID accountId, Plan plan, Origin origin) {
        groups.run(() -> send(new ChangeAccountPlanCommand(accountId, plan), origin));
    }

    public void recordActivity(UUID accountId, Instant lastActivityAt, Origin origin) {
        groups.run(() -> send(new RecordAccountActivityCommand(accountId, lastActivityAt), origin));
    }

    /**
     * Requests deletion through the deletion policy ({@link DeletionSafeguards}): the deletion goes ahead, or waits for
     * a second person's approval. Refused while the deletion breaker is open. Returns why it waits, or null.
     */
    @Transactional
    public String requestDeletion(UUID accountId, String reason, Origin origin) {
        return safeguards.requestDeletion(accountId, reason, origin);
    }

    /** The same for a request of {@code kind} (null: standard), an erasure received at {@code receivedAt}. */
    @Transactional
    public String requestDeletion(UUID accountId, String reason, DeletionKind kind, Instant receivedAt,
                                  Origin origin) {
        return safeguards.requestDeletion(accountId, reason, DeletionKind.orStandard(kind), receivedAt, origin);
    }

    /** Extends an open erasure request's deadline (rules: {@link Account}). */
    @Transactional
    public void extendErasure(UUID accountId, Instant until, String reason, Origin origin) {
        send(new ExtendErasureDeadlineCommand(accountId, until, reason, origin.actor()), origin);
    }

    /** Asks to purge a quarantined account now; a second person approves ({@link #approveExpeditedPurge}). */
    @Transactional
    public void expeditePurge(UUID accountId, String reason, Origin origin) {
        send(new RequestPurgeExpediteCommand(accountId, reason, origin.actor()), origin);
    }

    @Transactional
    public void approveExpeditedPurge(UUID accountId, Origin origin) {
        send(new ApprovePurgeExpediteCommand(accountId, origin.actor()), origin);
    }

    @Transactional
    public void approveDeletion(UUID accountId, Origin origin) {
        safeguards.approveDeletion(accountId, origin);
    }

    @Transactional
    public void rejectDeletion(UUID accountId, String reason, Origin origin) {
        safeguards.rejectDeletion(accountId, reason, origin);
    }

    /** Sets or removes the protected flag; who may do which is the caller's to check (write sets, admin removes). */
    @Transactional
    public void changeProtection(UUID accountId, boolean protectedAccount, String reason, Origin origin) {
        send(new ChangeAccountProtectionCommand(accountId, protectedAccount, origin.actor(), reason), origin);
    }

    @Transactional
    public void cancelDeletion(UUID accountId, String reason, Origin origin) {
        send(new CancelAccountDeletionCommand(accountId, reason, origin.actor()), origin);
    }

    private void send(Object command, Origin origin) {
        commandSender.sendAndWait(command, origin);
    }
}
