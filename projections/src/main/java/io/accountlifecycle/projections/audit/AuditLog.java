package io.accountlifecycle.projections.audit;

import io.accountlifecycle.api.PageView;
import io.accountlifecycle.projections.support.PageQuery;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static io.accountlifecycle.projections.support.Sql.instant;
import static io.accountlifecycle.projections.support.Sql.utc;
import static io.accountlifecycle.projections.support.Sql.uuid;

/** The audit log, newest first unless asked otherwise. */
public class AuditLog {

    private static final Map<String, String> SORTABLE = Map.of("occurredAt", "occurred_at", "actor", "actor",
                                                               "action", "action");
    /** Entries an export reads per query. */
    private static final int EXPORT_PAGE = 1_000;

    private final JdbcTemplate jdbc;

    public AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public PageView<AuditEntryView> entries(String actor, String action, UUID accountId, Instant from, Instant to,
                                            String sort, int page, int size) {
        return matching(actor, action, accountId, from, to).orderBy(sort, SORTABLE, "event_id")
                                                           .page(jdbc, "*", page, size, AuditLog::view);
    }

    /** How many entries match the filters, counting no further than {@code most}. */
    public long count(String actor, String action, UUID accountId, Instant from, Instant to, long most) {
        return matching(actor, action, accountId, from, to).countUpTo(jdbc, most);
    }

    /**
     * The first {@code limit} entries matching the filters, newest first, handed to {@code each} as they are read, a
     * page at a time: each page starts after the last entry of the one before (in the order of the
     * {@code audit_log_occurred} index), so entries recorded meanwhile neither shift nor repeat any, and no
     * transaction or connection is held while the caller writes them out.
     */
    public void export(String actor, String action, UUID accountId, Instant from, Instant to, long limit,
                       Consumer<AuditEntryView> each) {
        PageQuery query = matching(actor, action, accountId, from, to).orderBy("occurred_at desc, event_id");
        AuditEntryView last = null;
        long read = 0;
        while (read < limit) {
            int size = (int) Math.min(EXPORT_PAGE, limit - read);
            List<AuditEntryView> page = last == null
                    ? query.rows(jdbc, "*", null, List.of(), size, AuditLog::view)
                    : query.rows(jdbc, "*", "occurred_at < ? or (occurred_at = ? and event_id > ?)",
                                 List.of(utc(last.occurredAt()), utc(last.occurredAt()), last.eventId()), size,
                                 AuditLog::view);
            page.forEach(each);
            read += page.size();
            if (page.size() < size) {
                return;
            }
            last = page.get(page.size() - 1);
        }
    }

    private static PageQuery matching(String actor, String action, UUID accountId, Instant from, Instant to) {
        return PageQuery.from("projection.audit_log")
                        .where("actor = ?", actor)
                        .where("action = ?", action)
                        .where("account_id = ?", accountId)
                        .where("occurred_at >= ?", utc(from))
                        .where("occurred_at < ?", utc(to));
    }

    private static AuditEntryView view(ResultSet row, int i) throws SQLException {
        return new AuditEntryView(row.getString("event_id"), instant(row, "occurred_at"), row.getString("action"),
                                  row.getString("actor"), uuid(row, "account_id"), uuid(row, "batch_id"),
                                  row.getString("reason"), row.getString("correlation_id"), row.getString("details"));
    }
}
