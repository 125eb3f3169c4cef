package io.accountlifecycle.service.kafka.intake;

import io.accountlifecycle.api.CommandStatus;
import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.service.command.Origin;

import java.util.UUID;

/**
 * A structurally valid command from the topic, ready to run through the intake.
 *
 * @param issuedBy free text from the envelope: on whose behalf the sender says it acts; never the actor
 * @param scope    the scope the sender's token needs for this type, the one its HTTP twin needs
 */
record ParsedCommand(UUID commandId, String type, UUID accountId, String issuedBy, String scope,
                     Execution execution) {

    @FunctionalInterface
    interface Execution {
        Effect run(AccountCommands commands, Origin origin);
    }

    /** What running the command came to: it took effect, or (a deletion request) it waits for approval and why. */
    record Effect(CommandStatus status, String reason) {

        static final Effect APPLIED = new Effect(CommandStatus.ACCEPTED, null);

        static Effect pendingApproval(String why) {
            return new Effect(CommandStatus.PENDING_APPROVAL, why);
        }
    }
}
