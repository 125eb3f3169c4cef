package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.AccountStatus;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Where accounts stand with deletion, folded from their own lifecycle events (the source of truth, not a projection),
 * in one query for a whole chunk: so a batch sends only commands that will succeed, and a failing command never
 * spoils the batch's transaction.
 */
record AccountDeletionState(boolean exists, AccountStatus status, boolean deletionRequested,
                            boolean approvalPending) {

    private static final AccountDeletionState NONE = new AccountDeletionState(false, null, false, false);
    private static final String API = "io.accountlifecycle.api.";

    static Map<UUID, AccountDeletionState> of(JdbcTemplate jdbc, Collection<UUID> accountIds) {
        Map<UUID, AccountDeletionState> states = new HashMap<>();
        accountIds.forEach(id -> states.put(id, NONE));
        String[] ids = accountIds.stream().map(UUID::toString).toArray(String[]::new);
        jdbc.query("""
                   select aggregate_identifier, payload_type from domain_event_entry
                   where aggregate_identifier = any(?) and payload_type = any(?)
                   order by aggregate_identifier, sequence_number""",
                   row -> {
                       UUID id = UUID.fromString(row.getString(1));
                       states.put(id, states.get(id).after(row.getString(2).substring(API.length())));
                   },
                   ids, new String[]{API + "AccountOpenedEvent", API + "AccountDeletionRequestedEvent",
                                     API + "AccountQuarantinedEvent", API + "AccountDeletionCancelledEvent",
                                     API + "AccountPurgedEvent", API + "AccountDeletionApprovalRequestedEvent",
                                     API + "AccountDeletionRejectedEvent"});
        return states;
    }

    private AccountDeletionState after(String event) {
        return switch (event) {
            case "AccountOpenedEvent" -> new AccountDeletionState(true, AccountStatus.ACTIVE, false, false);
            case "AccountDeletionRequestedEvent" -> new AccountDeletionState(exists, status, true, false);
            case "AccountQuarantinedEvent" -> new AccountDeletionState(exists, AccountStatus.QUARANTINED, true, false);
            case "AccountDeletionCancelledEvent" -> new AccountDeletionState(exists, AccountStatus.ACTIVE, false,
                                                                             false);
            case "AccountPurgedEvent" -> new AccountDeletionState(exists, AccountStatus.PURGED, false, false);
            case "AccountDeletionApprovalRequestedEvent" -> new AccountDeletionState(exists, status, false, true);
            case "AccountDeletionRejectedEvent" -> new AccountDeletionState(exists, status, false, false);
            default -> this;
        };
    }

    /**
     * Serialises the batch's chunks and its undo, until the transaction ends: an undo either sees a chunk's requests
     * (and restores them) or makes the chunk refuse itself.
     */
    static void lockBatch(JdbcTemplate jdbc, UUID batchId) {
        jdbc.query("select pg_advisory_xact_lock(?)", row -> { },
                   batchId.getMostSignificantBits() ^ batchId.getLeastSignificantBits());
    }

    boolean deletable() {
        return exists && status == AccountStatus.ACTIVE && !deletionRequested && !approvalPending;
    }

    boolean inHold() {
        return status == AccountStatus.QUARANTINED || (status == AccountStatus.ACTIVE && deletionRequested);
    }
}
