package io.accountlifecycle.projections.batches;

import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.projections.support.PageQuery;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.instant;
import static io.accountlifecycle.projections.support.Sql.uuid;

/** Deletion batches, newest first, each with its per-status account counts. */
public class DeletionBatchQueries {

    private static final List<String> STATUSES = List.of("SELECTED", "REQUESTED", "QUARANTINED", "PURGED",
                                                         "RESTORED", "SKIPPED");

    private final JdbcTemplate jdbc;

    public DeletionBatchQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<DeletionBatchView> batch(UUID batchId) {
        return jdbc.query("select * from projection.deletion_batch where batch_id = ?", this::view, batchId)
                   .stream().findFirst();
    }

    public PageView<DeletionBatchView> batches(String requestedBy, int page, int size) {
        return PageQuery.from("projection.deletion_batch")
                        .where("requested_by = ?", requestedBy)
                        .orderBy("created_at desc, batch_id")
                        .page(jdbc, "*", page, size, this::view);
    }

    private DeletionBatchView view(ResultSet row, int i) throws SQLException {
        UUID batchId = uuid(row, "batch_id");
        Map<String, Long> counts = new LinkedHashMap<>();
        STATUSES.forEach(s -> counts.put(s, 0L));
        jdbc.query("select status, count(*) from projection.deletion_batch_account where batch_id = ? group by status",
                   r -> {
                       counts.put(r.getString(1), r.getLong(2));
                   }, batchId);
        String state = DeletionBatchProjector.stateOf(row.getString("state"),
                                                      counts.get("SELECTED") + counts.get("REQUESTED"),
                                                      counts.get("QUARANTINED"));
        return new DeletionBatchView(batchId, DeletionBatchState.valueOf(state), row.getString("reason"),
                                     row.getString("requested_by"), row.getString("decided_by"),
                                     row.getString("cancelled_by"), row.getInt("accounts"),
                                     row.getBigDecimal("monthly_value_at_risk"), instant(row, "created_at"),
                                     instant(row, "updated_at"), counts);
    }
}
