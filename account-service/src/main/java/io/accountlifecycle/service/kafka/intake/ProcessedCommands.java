package io.accountlifecycle.service.kafka.intake;

import io.accountlifecycle.api.CommandResult;
import io.accountlifecycle.api.CommandStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The outcome of every Kafka command by its sender's subject and its id, written in the same transaction as the
 * command's events. The subject is part of the key so that no producer can claim another's command ids, or be
 * answered with another's outcome.
 */
@Repository
class ProcessedCommands {

    /**
     * The subject of commands accepted without a token ({@code account.kafka.intake.require-token=false}) and of
     * outcomes recorded before commands were authenticated: idempotent by {@code commandId} alone, as they were.
     */
    static final String NO_SUBJECT = "";

    private final JdbcTemplate jdbc;

    ProcessedCommands(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored outcome, and the reason its record was dead-lettered (null when it was not). */
    record Stored(CommandResult result, String deadLetterReason) {
    }

    /** A command as the outcome table keys it. */
    record Key(String subject, UUID commandId) {
    }

    /** The outcomes already stored for any of {@code keys}, in one query. */
    Map<Key, Stored> findAll(List<Key> keys) {
        Map<Key, Stored> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        jdbc.query("select command_id, account_id, status, reason, processed_at, dead_letter_reason, p.subject "
                   + "from processed_command p join unnest(?::text[], ?::uuid[]) as k(subject, command_id) "
                   + "using (subject, command_id)",
                   rs -> {
                       Stored stored = stored(rs);
                       found.put(new Key(rs.getString(7), stored.result().commandId()), stored);
                   },
                   keys.stream().map(Key::subject).toArray(String[]::new),
                   keys.stream().map(key -> key.commandId().toString()).toArray(String[]::new));
        return found;
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        return new Stored(new CommandResult(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                                            CommandStatus.valueOf(rs.getString(3)), rs.getString(4),
                                            rs.getTimestamp(5).toInstant()),
                          rs.getString(6));
    }

    Optional<Stored> find(String subject, UUID commandId) {
        List<Stored> rows = jdbc.query(
                "select command_id, account_id, status, reason, processed_at, dead_letter_reason "
                + "from processed_command where subject = ? and command_id = ?",
                (rs, i) -> stored(rs), subject, commandId);
        return rows.stream().findFirst();
    }

    /**
     * Records the outcome unless another delivery of the same command recorded one first (then that one stands, and
     * this transaction waits for it to commit before it learns so).
     */
    boolean record(String subject, CommandResult result, String type, String deadLetterReason) {
        return jdbc.update("""
                           insert into processed_command (subject, command_id, account_id, command_type, status,
                                                          reason, processed_at, dead_letter_reason)
                           values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (subject, command_id) do nothing""",
                           subject, result.commandId(), result.accountId(), type, result.status().name(),
                           result.reason(), Timestamp.from(result.processedAt()), deadLetterReason) == 1;
    }

    /** An accepted command's outcome, to be recorded with others ({@link #recordAll}). */
    record Claim(String subject, CommandResult result, String type) {
    }

    /**
     * Records the outcomes of several accepted commands in one statement; false when any of them was recorded before
     * (another delivery of the same command: then the caller rolls back and records them one by one).
     */
    boolean recordAll(List<Claim> claims) {
        if (claims.isEmpty()) {
            return true;
        }
        StringBuilder sql = new StringBuilder("insert into processed_command (subject, command_id, account_id, "
                                              + "command_type, status, reason, processed_at, dead_letter_reason) "
                                              + "values ");
        Object[] values = new Object[claims.size() * 8];
        int i = 0;
        for (Claim claim : claims) {
            sql.append(i == 0 ? "" : ",").append("(?, ?, ?, ?, ?, ?, ?, ?)");
            CommandResult result = claim.result();
            values[i++] = claim.subject();
            values[i++] = result.commandId();
            values[i++] = result.accountId();
            values[i++] = claim.type();
            values[i++] = result.status().name();
            values[i++] = result.reason();
            values[i++] = Timestamp.from(result.processedAt());
            values[i++] = null;
        }
        sql.append(" on conflict (subject, command_id) do nothing");
        return jdbc.update(sql.toString(), values) == claims.size();
    }

    /**
     * Settles the outcome this transaction claimed before running the command, when running it showed the command
     * does not simply take effect (a deletion request that waits for approval): the claim had to exist first.
     */
    void settle(String subject, CommandResult result) {
        jdbc.update("update processed_command set status = ?, reason = ? where subject = ? and command_id = ?",
                    result.status().name(), result.reason(), subject, result.commandId());
    }

    static CommandResult accepted(UUID commandId, UUID accountId, Instant at) {
        return new CommandResult(commandId, accountId, CommandStatus.ACCEPTED, null, at);
    }

    static CommandResult rejected(UUID commandId, UUID accountId, String reason, Instant at) {
        return new CommandResult(commandId, accountId, CommandStatus.REJECTED, reason, at);
    }
}
