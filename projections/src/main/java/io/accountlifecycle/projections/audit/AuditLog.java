package io.accountlifecycle.projections.audit;

import io.accountlifecycle.api.PageView;
import io.accountlifecycle.projections.support.PageQuery;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.instant;
import static io.accountlifecycle.projections.support.Sql.utc;
import static io.accountlifecycle.projections.support.Sql.uuid;

/** The audit log, newest first unless asked otherwise. */
public class AuditLog {

    private static final Map<String, String> SORTABLE = Map.of("occurredAt", "occurred_at", "actor", "actor",
                                                               "action", "action");

    private final JdbcTemplate jdbc;

    public AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public PageView<AuditEntryView> entries(String actor, String action, UUID accountId, Instant from, Instant to,
                                            String sort, int page, int size) {
        return PageQuery.from("projection.audit_log")
                        .where("actor = ?", actor)
                        .where("action = ?", action)
                        .where("account_id = ?", accountId)
                        .where("occurred_at >= ?", utc(from))
                        .where("occurred_at < ?", utc(to))
                        .orderBy(sort, SORTABLE, "event_id")
                        .page(jdbc, "*", page, size, (row, i) -> new AuditEntryView(
                                row.getString("event_id"), instant(row, "occurred_at"), row.getString("action"),
                                row.getString("actor"), uuid(row, "account_id"), uuid(row, "batch_id"),
                                row.getString("reason"), row.getString("correlation_id"), row.getString("details")));
    }
}
