package io.accountlifecycle.projections.summary;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.projections.holds.LegalHoldQueries;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.api.PendingPurgeView;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.api.SealedValueOpener;
import io.accountlifecycle.projections.support.PageQuery;
import io.accountlifecycle.projections.support.PersonalDataAccess;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.instant;
import static io.accountlifecycle.projections.support.Sql.utc;
import static io.accountlifecycle.projections.support.Sql.uuid;

/** Queries on the account summary: the filtered account list, and the pending purges, soonest first. */
public class AccountSummaries {

    private static final Map<String, String> SORTABLE = Map.of(
            "accountId", "account_id",
            "createdAt", "created_at",
            "lastActivityAt", "coalesce(last_activity_at, created_at)",
            "purgeDueAt", "purge_due_at",
            "plan", "plan",
            "status", "status");

    private final JdbcTemplate jdbc;
    private final SealedValueOpener opener;
    private final PersonalDataAccess access;
    private final Clock clock;

    public AccountSummaries(JdbcTemplate jdbc, SealedValueOpener opener, PersonalDataAccess access, Clock clock) {
        this.jdbc = jdbc;
        this.opener = opener;
        this.access = access;
        this.clock = clock;
    }

    /**
     * Accounts matching every filter given; {@code inactiveSince}: not seen in use since that instant (an account
     * never seen in use counts from its opening). Sorting by {@code lastActivityAt} uses the same instant.
     */
    public PageView<AccountSummaryView> accounts(AccountStatus status, Plan plan, Instant inactiveSince,
                                                 Boolean underLegalHold, String sort, int page, int size) {
        boolean open = access.callerMayReadPersonalData();
        return PageQuery.from("projection.account_summary")
                        .where("status = ?", status == null ? null : status.name())
                        .where("plan = ?", plan == null ? null : plan.name())
                        .where("coalesce(last_activity_at, created_at) < ?", utc(inactiveSince))
                        .where("(cardinality(" + LegalHoldQueries.HOLDS_IN_FORCE + ") > 0) = ?", underLegalHold)
                        .orderBy(sort, SORTABLE, "account_id")
                        .page(jdbc, "*", page, size, (row, i) -> view(row, open));
    }

    /** Quarantined accounts with the time left before their purge, soonest first. */
    public PageView<PendingPurgeView> pendingPurges(int page, int size) {
        return pendingPurges(null, null, null, page, size);
    }

    /**
     * Quarantined accounts with the time left before their purge, soonest first; only those on {@code plan},
     * requested by {@code requestedBy}, or of batch (or operation) {@code batchId}, where given.
     */
    public PageView<PendingPurgeView> pendingPurges(Plan plan, String requestedBy, UUID batchId, int page, int size) {
        Instant now = clock.instant();
        return PageQuery.from("projection.account_summary")
                        .where("status = ?", AccountStatus.QUARANTINED.name())
                        .where("plan = ?", plan == null ? null : plan.name())
                        .where("deletion_requested_by = ?", requestedBy)
                        .where("batch_id = ?", batchId)
                        .orderBy("purge_due_at, account_id")
                        .page(jdbc, "account_id, quarantined_at, purge_due_at, deletion_kind, plan, deletion_requested_by, "
                                    + "batch_id, "
                                    + "coalesce(erasure_extended_until, erasure_deadline) as erasure_deadline, "
                                    + LegalHoldQueries.HOLDS_IN_FORCE + " as blocked_by", page, size, (row, i) -> {
                            Instant due = instant(row, "purge_due_at");
                            Duration left = Duration.between(now, due);
                            String kind = row.getString("deletion_kind");
                            return new PendingPurgeView(uuid(row, "account_id"), instant(row, "quarantined_at"), due,
                                                        left.isNegative() ? Duration.ZERO : left,
                                                        LegalHoldQueries.uuids(row.getArray("blocked_by")),
                                                        kind == null ? DeletionKind.STANDARD
                                                                     : DeletionKind.valueOf(kind),
                                                        instant(row, "erasure_deadline"),
                                                        Plan.valueOf(row.getString("plan")),
                                                        row.getString("deletion_requested_by"),
                                                        (UUID) row.getObject("batch_id"));
                        });
    }

    /**
     * Every account matching all the criteria given (explicit ids, not seen in use since, plans), in id order, at
     * most {@code limit}; named accounts in any status, so a preview can say why it leaves one out, and by criteria
     * alone only Active ones.
     */
    public List<DeletionCandidate> deletionCandidates(Collection<UUID> accountIds, Instant inactiveSince,
                                                      Collection<Plan> plans, int limit) {
        // by criteria alone, only what could still be deleted
        return candidates(accountIds, "status = 'ACTIVE'", inactiveSince, plans, limit);
    }

    /**
     * The accounts a legal hold placed by criteria covers: every account not yet purged (Active or quarantined) seen
     * in use last before {@code inactiveSince} and/or on one of {@code plans}, at most {@code limit}, by id.
     */
    public List<DeletionCandidate> holdCandidates(Instant inactiveSince, Collection<Plan> plans, int limit) {
        return candidates(null, "status <> 'PURGED'", inactiveSince, plans, limit);
    }

    private List<DeletionCandidate> candidates(Collection<UUID> accountIds, String byCriteria, Instant inactiveSince,
                                               Collection<Plan> plans, int limit) {
        List<String> conditions = new ArrayList<>();
        List<Object> arguments = new ArrayList<>();
        if (accountIds != null && !accountIds.isEmpty()) {
            conditions.add("account_id = any(?)");
            arguments.add(accountIds.toArray(UUID[]::new));
        } else {
            conditions.add(byCriteria);
        }
        if (inactiveSince != null) {
            conditions.add("coalesce(last_activity_at, created_at) < ?");
            arguments.add(utc(inactiveSince));
        }
        if (plans != null && !plans.isEmpty()) {
            conditions.add("plan = any(?)");
            arguments.add(plans.stream().map(Plan::name).toArray(String[]::new));
        }
        if (conditions.size() == 1 && (accountIds == null || accountIds.isEmpty())) {
            throw new IllegalArgumentException("at least one criterion is needed");
        }
        arguments.add(limit);
        return jdbc.query(connection -> {
            var statement = connection.prepareStatement(
                    "select account_id, status, plan, protected, coalesce(last_activity_at, created_at) as seen, "
                    + "deletion_requested_at is not null as requested from projection.account_summary where "
                    + String.join(" and ", conditions) + " order by account_id limit ?");
            for (int i = 0; i < arguments.size(); i++) {
                Object argument = arguments.get(i);
                if (argument instanceof UUID[] ids) {
                    statement.setArray(i + 1, connection.createArrayOf("uuid", ids));
                } else if (argument instanceof String[] names) {
                    statement.setArray(i + 1, connection.createArrayOf("text", names));
                } else {
                    statement.setObject(i + 1, argument);
                }
            }
            return statement;
        }, (row, i) -> new DeletionCandidate(uuid(row, "account_id"), AccountStatus.valueOf(row.getString("status")),
                                             Plan.valueOf(row.getString("plan")), row.getBoolean("protected"),
                                             instant(row, "seen"), row.getBoolean("requested")));
    }

    private AccountSummaryView view(ResultSet row, boolean open) throws SQLException {
        return new AccountSummaryView(uuid(row, "account_id"),
                                      AccountStatus.valueOf(row.getString("status")),
                                      Plan.valueOf(row.getString("plan")),
                                      row.getBoolean("protected"),
                                      instant(row, "created_at"),
                                      instant(row, "last_activity_at"),
                                      instant(row, "deletion_requested_at"),
                                      row.getString("deletion_requested_by"),
                                      row.getString("deletion_reason"),
                                      instant(row, "quarantined_at"),
                                      instant(row, "purge_due_at"),
                                      instant(row, "purged_at"),
                                      uuid(row, "batch_id"),
                                      open ? opened(row, "email") : null,
                                      open ? opened(row, "display_name") : null,
                                      row.getLong("version"));
    }

    private String opened(ResultSet row, String field) throws SQLException {
        String keyId = row.getString(field + "_key_id");
        String ciphertext = row.getString(field + "_ciphertext");
        if (keyId == null || ciphertext == null) {
            return null;
        }
        return opener.open(new SealedValue(keyId, ciphertext)).orElse(null);
    }
}
