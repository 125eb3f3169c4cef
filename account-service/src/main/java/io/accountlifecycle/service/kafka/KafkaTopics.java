package io.accountlifecycle.service.kafka;

/** The topic names other tools rely on; a contract, never renamed. */
public final class KafkaTopics {

    public static final String COMMANDS = "account.commands";
    public static final String COMMAND_RESULTS = "account.command-results";
    public static final String COMMANDS_DLT = "account.commands.dlt";
    public static final String EVENTS = "account.events";
    /** Per-account data keys wrapped by the master key, compacted; a purge leaves a tombstone. */
    public static final String KEYS = "account.keys";

    private KafkaTopics() {
    }
}
