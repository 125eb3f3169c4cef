package io.accountlifecycle.projections.holds;

import io.accountlifecycle.api.PageView;
import io.accountlifecycle.projections.support.PageQuery;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.instant;
import static io.accountlifecycle.projections.support.Sql.uuid;

/** Queries on the legal-hold read models and on the open erasure requests of the account summary. */
public class LegalHoldQueries {

    /**
     * The holds in force on the summary row's account ({@code account_summary} in the query), oldest first: what
     * blocks its purge.
     */
    public static final String HOLDS_IN_FORCE = """
            array(select h.hold_id from projection.account_legal_hold h
                  where h.account_id = account_summary.account_id and (h.ends_at is null or h.ends_at > now())
                  order by h.applied_at, h.hold_id)""";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public LegalHoldQueries(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public PageView<LegalHoldView> holds(boolean inForceOnly, int page, int size) {
        PageQuery query = PageQuery.from("projection.legal_hold").orderBy("placed_at desc, hold_id");
        if (inForceOnly) {
            query.where("released_at is null and (ends_at is null or ends_at > ?)",
                        java.sql.Timestamp.from(clock.instant()));
        }
        return query.page(jdbc, COLUMNS, page, size, (row, i) -> view(row, false));
    }

    public Optional<LegalHoldView> hold(UUID holdId) {
        return jdbc.query("select " + COLUMNS + ", array(select a.account_id from projection.account_legal_hold a "
                          + "where a.hold_id = legal_hold.hold_id order by a.account_id) as covered "
                          + "from projection.legal_hold where hold_id = ?", (row, i) -> view(row, true), holdId)
                   .stream().findFirst();
    }

    private static final String COLUMNS = "hold_id, matter, reason, criteria, account_ids, placed_by, placed_at, "
                                          + "ends_at, released_at, released_by, release_reason";

    private LegalHoldView view(ResultSet row, boolean withAccounts) throws SQLException {
        Instant endsAt = instant(row, "ends_at");
        Instant releasedAt = instant(row, "released_at");
        String status = releasedAt != null ? "RELEASED"
                        : endsAt != null && !clock.instant().isBefore(endsAt) ? "ENDED" : "IN_FORCE";
        List<UUID> listed = uuids(row.getArray("account_ids"));
        return new LegalHoldView(uuid(row, "hold_id"), row.getString("matter"), row.getString("reason"),
                                 row.getString("criteria"), row.getString("placed_by"), instant(row, "placed_at"),
                                 endsAt, status, releasedAt, row.getString("released_by"),
                                 row.getString("release_reason"), listed.size(),
                                 withAccounts ? listed : null,
                                 withAccounts ? uuids(row.getArray("covered")) : null);
    }

    /**
     * The open erasure requests (requested or quarantined, not purged, not cancelled), soonest deadline first, with
     * what blocks their purge.
     */
    public PageView<ErasureRequestView> erasureRequests(int page, int size) {
        Instant now = clock.instant();
        return PageQuery.from("projection.account_summary")
                        .where("deletion_kind = ?", "ERASURE")
                        .where("status <> ?", "PURGED")
                        .orderBy("coalesce(erasure_extended_until, erasure_deadline), account_id")
                        .page(jdbc, "account_id, status, deletion_requested_at, erasure_received_at, erasure_deadline, "
                                    + "erasure_extended_until, purge_due_at, " + HOLDS_IN_FORCE + " as blocked_by",
                              page, size, (row, i) -> erasure(row, now));
    }

    /** Open erasure requests whose deadline is within {@code margin} (or past), and those a legal hold blocks. */
    public ErasureAlerts erasureAlerts(Duration margin) {
        Instant now = clock.instant();
        // Each open request's holds in force are looked up once, not once per count.
        return jdbc.queryForObject("""
                select count(*) filter (where due <= ? and not held) as near,
                       count(*) filter (where due <= ? and not held) as overdue,
                       count(*) filter (where held) as blocked
                from (select coalesce(erasure_extended_until, erasure_deadline) as due,
                             cardinality(%s) > 0 as held
                      from projection.account_summary
                      where deletion_kind = 'ERASURE' and status <> 'PURGED') open""".formatted(HOLDS_IN_FORCE),
                (row, i) -> new ErasureAlerts(row.getLong("near"), row.getLong("overdue"), row.getLong("blocked")),
                java.sql.Timestamp.from(now.plus(margin)), java.sql.Timestamp.from(now));
    }

    /** Counts for the {@code AccountErasureDeadlineNear} alert. */
    public record ErasureAlerts(long nearDeadline, long overdue, long blockedByLegalHold) {
    }

    private static ErasureRequestView erasure(ResultSet row, Instant now) throws SQLException {
        Instant deadline = instant(row, "erasure_deadline");
        Instant extended = instant(row, "erasure_extended_until");
        Instant effective = extended != null ? extended : deadline;
        List<UUID> blockedBy = uuids(row.getArray("blocked_by"));
        String status;
        String explanation = null;
        if (!blockedBy.isEmpty()) {
            status = ErasureRequestView.BLOCKED_BY_LEGAL_HOLD;
            explanation = "Legal holds " + blockedBy + " cover this account: erasure does not apply while a legal "
                          + "obligation holds the data (GDPR Art. 17(3)(b), (e)); it is purged once they are released "
                          + "or end.";
        } else if (effective != null && !now.isBefore(effective)) {
            status = ErasureRequestView.OVERDUE;
        } else {
            status = "QUARANTINED".equals(row.getString("status")) ? ErasureRequestView.QUARANTINED
                     : row.getTimestamp("deletion_requested_at") == null ? ErasureRequestView.AWAITING_APPROVAL
                     : ErasureRequestView.REQUESTED;
        }
        return new ErasureRequestView(uuid(row, "account_id"), instant(row, "erasure_received_at"), deadline,
                                      extended, status, blockedBy, instant(row, "purge_due_at"), explanation);
    }

    public static List<UUID> uuids(Array array) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        if (array != null) {
            for (Object id : (Object[]) array.getArray()) {
                ids.add(id instanceof UUID u ? u : UUID.fromString(id.toString()));
            }
        }
        return ids;
    }
}
