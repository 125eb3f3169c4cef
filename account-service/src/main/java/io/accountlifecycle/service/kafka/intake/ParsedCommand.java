package io.accountlifecycle.service.kafka.intake;

import io.accountlifecycle.service.account.AccountCommands;

import java.util.UUID;

/** A structurally valid command from the topic, ready to run through the intake. */
record ParsedCommand(UUID commandId, String type, UUID accountId, String issuedBy, Execution execution) {

    @FunctionalInterface
    interface Execution {
        void run(AccountCommands commands, AccountCommands.Origin origin);
    }
}
