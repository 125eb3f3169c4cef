package io.accountlifecycle.service.kafka.intake;

import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.service.command.Origin;

import java.util.UUID;

/** A structurally valid command from the topic, ready to run through the intake. */
record ParsedCommand(UUID commandId, String type, UUID accountId, String issuedBy, Execution execution) {

    @FunctionalInterface
    interface Execution {
        void run(AccountCommands commands, Origin origin);
    }
}
