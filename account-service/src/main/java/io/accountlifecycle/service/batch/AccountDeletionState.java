package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Plan;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Where accounts stand with deletion, folded from their own lifecycle events (the source of truth, not a projection),
 * in one query for a whole chunk: so a batch sends only commands that will succeed, and a failing command never
 * spoils the batch's transaction.
 *
 * @param requestBatch the batch whose deletion request is the account's current one (null: a single request)
 */
record AccountDeletionState(boolean exists, AccountStatus status, boolean deletionRequested,
                            boolean approvalPending, Plan plan, boolean protectedAccount, String requestBatch) {

    private static final AccountDeletionState NONE = new AccountDeletionState(false, null, false, false, null, false,
                                                                              null);
    private static final String API = "io.accountlifecycle.api.";

    static Map<UUID, AccountDeletionState> of(JdbcTemplate jdbc, Collection<UUID> accountIds) {
        Map<UUID, AccountDeletionState> states = new HashMap<>();
        accountIds.forEach(id -> states.put(id, NONE));
        String[] ids = accountIds.stream().map(UUID::toString).toArray(String[]::new);
        jdbc.query("""
                   select aggregate_identifier, payload_type,
                          convert_from(payload, 'UTF8')::jsonb ->> 'plan' as plan,
                          convert_from(payload, 'UTF8')::jsonb ->> 'protectedAccount' as protected,
                          convert_from(meta_data, 'UTF8')::jsonb ->> 'batchId' as batch
                   from domain_event_entry
                   where aggregate_identifier = any(?) and payload_type = any(?)
                   order by aggregate_identifier, sequence_number""",
                   row -> {
                       UUID id = UUID.fromString(row.getString(1));
                       states.put(id, states.get(id).after(row.getString(2).substring(API.length()),
                                                           row.getString(3), row.getString(4), row.getString(5)));
                   },
                   ids, new String[]{API + "AccountOpenedEvent", API + "AccountPlanChangedEvent",
                                     API + "AccountDeletionRequestedEvent", API + "AccountQuarantinedEvent",
                                     API + "AccountDeletionCancelledEvent", API + "AccountPurgedEvent",
                                     API + "AccountDeletionApprovalRequestedEvent",
                                     API + "AccountDeletionRejectedEvent"});
        return states;
    }

    private AccountDeletionState after(String event, String plan, String protectedFlag, String batch) {
        return switch (event) {
            case "AccountOpenedEvent" -> new AccountDeletionState(true, AccountStatus.ACTIVE, false, false,
                                                                  Plan.valueOf(plan), Boolean.parseBoolean(protectedFlag),
                                                                  null);
            case "AccountPlanChangedEvent" -> new AccountDeletionState(exists, status, deletionRequested,
                                                                       approvalPending, Plan.valueOf(plan),
                                                                       protectedAccount, requestBatch);
            case "AccountDeletionRequestedEvent" -> new AccountDeletionState(exists, status, true, false, this.plan,
                                                                             protectedAccount, batch);
            case "AccountQuarantinedEvent" -> new AccountDeletionState(exists, AccountStatus.QUARANTINED, true, false,
                                                                       this.plan, protectedAccount, requestBatch);
            case "AccountDeletionCancelledEvent" -> new AccountDeletionState(exists, AccountStatus.ACTIVE, false,
                                                                             false, this.plan, protectedAccount, null);
            case "AccountPurgedEvent" -> new AccountDeletionState(exists, AccountStatus.PURGED, false, false,
                                                                  this.plan, protectedAccount, requestBatch);
            case "AccountDeletionApprovalRequestedEvent" -> new AccountDeletionState(exists, status, false, true,
                                                                                     this.plan, protectedAccount,
                                                                                     null);
            case "AccountDeletionRejectedEvent" -> new AccountDeletionState(exists, status, false, false, this.plan,
                                                                            protectedAccount, null);
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

    /** Active, no deletion under way, and not protected (by flag or by a plan that became protected since). */
    boolean deletableByBatch(Set<Plan> protectedPlans) {
        return exists && status == AccountStatus.ACTIVE && !deletionRequested && !approvalPending
               && !protectedAccount && !protectedPlans.contains(plan);
    }

    /** Held (or about to be) because of this batch's request, not someone else's. */
    boolean inHoldFor(UUID batchId) {
        return batchId.toString().equals(requestBatch)
               && (status == AccountStatus.QUARANTINED || (status == AccountStatus.ACTIVE && deletionRequested));
    }

    /** Purged because of this batch's request. */
    boolean purgedBy(UUID batchId) {
        return status == AccountStatus.PURGED && batchId.toString().equals(requestBatch);
    }
}
