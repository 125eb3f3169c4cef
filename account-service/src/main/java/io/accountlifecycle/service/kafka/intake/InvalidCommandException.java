package io.accountlifecycle.service.kafka.intake;

import java.util.UUID;

/** A record that is not a valid command envelope; it goes to the dead-letter topic with this reason. */
class InvalidCommandException extends RuntimeException {

    private final UUID commandId;
    private final UUID accountId;

    InvalidCommandException(String reason, UUID commandId, UUID accountId) {
        super(reason);
        this.commandId = commandId;
        this.accountId = accountId;
    }

    /** The command id, when the record had a readable one; a result can then be published for it. */
    UUID commandId() {
        return commandId;
    }

    UUID accountId() {
        return accountId;
    }
}
