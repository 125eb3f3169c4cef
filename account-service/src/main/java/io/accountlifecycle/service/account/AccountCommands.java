package io.accountlifecycle.service.account;

import io.accountlifecycle.api.CancelAccountDeletionCommand;
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
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The intake's single way into the account aggregate: seals personal fields under the account's key and sends the
 * command with its {@link Origin}. One transaction covers a new data key and the events, so a rejected command
 * leaves neither behind. The frequent commands (sign-ups, profile and plan changes, activity at sign-in) are committed
 * in groups with whatever else arrives at the same moment ({@link CommandGroups}); deletions and their decisions keep
 * a transaction of their own.
 */
@Service
public class AccountCommands {

    private final CommandSender commandSender;
    private final PersonalDataSealer sealer;
    private final DeletionSafeguards safeguards;
    private final CommandGroups groups;

    public AccountCommands(CommandSender commandSender, PersonalDataSealer sealer, DeletionSafeguards safeguards,
                           CommandGroups groups) {
        this.commandSender = commandSender;
        this.groups = groups;
        this.sealer = sealer;
        this.safeguards = safeguards;
    }

    public void open(UUID accountId, String email, String displayName, Plan plan, boolean protectedAccount,
                     Origin origin) {
        groups.run(() -> {
            List<PersonalText> sealed = sealer.seal(accountId, email, displayName);
            send(new OpenAccountCommand(accountId, sealed.get(0), sealed.get(1), plan, protectedAccount), origin);
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
