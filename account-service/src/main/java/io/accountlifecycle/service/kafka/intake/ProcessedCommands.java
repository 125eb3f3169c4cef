package io.accountlifecycle.service.kafka.intake;

import io.accountlifecycle.api.CommandResult;
import io.accountlifecycle.api.CommandStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The outcome of every Kafka command by id, written in the same transaction as the command's events. */
@Repository
class ProcessedCommands {

    private final JdbcTemplate jdbc;

    ProcessedCommands(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored outcome, and the reason its record was dead-lettered (null when it was not). */
    record Stored(CommandResult result, String deadLetterReason) {
    }

    Optional<Stored> find(UUID commandId) {
        List<Stored> rows = jdbc.query(
                "select command_id, account_id, status, reason, processed_at, dead_letter_reason "
                + "from processed_command where command_id = ?",
                (rs, i) -> new Stored(new CommandResult(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                                                        CommandStatus.valueOf(rs.getString(3)), rs.getString(4),
                                                        rs.getTimestamp(5).toInstant()),
                                      rs.getString(6)),
                commandId);
        return rows.stream().findFirst();
    }

    /**
     * Records the outcome unless another delivery of the same command recorded one first (then that one stands, and
     * this transaction waits for it to commit before it learns so).
     */
    boolean record(CommandResult result, String type, String deadLetterReason) {
        return jdbc.update("""
                           insert into processed_command (command_id, account_id, command_type, status, reason,
                                                          processed_at, dead_letter_reason)
                           values (?, ?, ?, ?, ?, ?, ?) on conflict (command_id) do nothing""",
                           result.commandId(), result.accountId(), type, result.status().name(), result.reason(),
                           Timestamp.from(result.processedAt()), deadLetterReason) == 1;
    }

    static CommandResult accepted(UUID commandId, UUID accountId, Instant at) {
        return new CommandResult(commandId, accountId, CommandStatus.ACCEPTED, null, at);
    }

    static CommandResult rejected(UUID commandId, UUID accountId, String reason, Instant at) {
        return new CommandResult(commandId, accountId, CommandStatus.REJECTED, reason, at);
    }
}
