package io.accountlifecycle.projections.batches;

import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.projections.support.PageQuery;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
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
                                                         "RESTORED", "SKIPPED", "LEFT_OUT");

    private final JdbcTemplate jdbc;

    public DeletionBatchQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<DeletionBatchView> batch(UUID batchId) {
        return withCounts(jdbc.query("select * from projection.deletion_batch where batch_id = ?", this::row,
                                     batchId)).stream().findFirst();
    }

    public PageView<DeletionBatchView> batches(String requestedBy, int page, int size) {
        PageView<DeletionBatchView> rows = PageQuery.from("projection.deletion_batch")
                                                    .where("requested_by = ?", requestedBy)
                                                    .orderBy("created_at desc, batch_id")
                                                    .page(jdbc, "*", page, size, this::row);
        return new PageView<>(withCounts(rows.items()), rows.page(), rows.size(), rows.totalItems(), rows.hasNext());
    }

    /** The page's rows first, then every batch's counts in one grouped query (no query per row). */
    private List<DeletionBatchView> withCounts(List<DeletionBatchView> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<UUID, Map<String, Long>> counts = new HashMap<>();
        for (DeletionBatchView row : rows) {
            Map<String, Long> zero = new LinkedHashMap<>();
            STATUSES.forEach(s -> zero.put(s, 0L));
            counts.put(row.batchId(), zero);
        }
        jdbc.query(connection -> {
            var statement = connection.prepareStatement(
                    "select batch_id, status, count(*) from projection.deletion_batch_account "
                    + "where batch_id = any(?) group by batch_id, status");
            statement.setArray(1, connection.createArrayOf("uuid", counts.keySet().toArray()));
            return statement;
        }, (ResultSet r) -> {
            counts.get(r.getObject(1, UUID.class)).put(r.getString(2), r.getLong(3));
        });
        Map<UUID, List<DeletionBatchView.LeftOut>> leftOut = new HashMap<>();
        jdbc.query(connection -> {
            var statement = connection.prepareStatement(
                    "select batch_id, account_id, left_out_reason from projection.deletion_batch_account "
                    + "where batch_id = any(?) and status = 'LEFT_OUT' order by batch_id, account_id");
            statement.setArray(1, connection.createArrayOf("uuid", counts.keySet().toArray()));
            return statement;
        }, (ResultSet r) -> {
            leftOut.computeIfAbsent(r.getObject(1, UUID.class), id -> new ArrayList<>())
                   .add(new DeletionBatchView.LeftOut(r.getObject(2, UUID.class), r.getString(3)));
        });
        return rows.stream().map(row -> {
            Map<String, Long> c = counts.get(row.batchId());
            String state = DeletionBatchProjector.stateOf(row.state().name(), c.get("SELECTED") + c.get("REQUESTED"),
                                                          c.get("QUARANTINED"));
            return new DeletionBatchView(row.batchId(), DeletionBatchState.valueOf(state), row.reason(),
                                         row.requestedBy(), row.decidedBy(), row.cancelledBy(), row.accounts(),
                                         row.monthlyValueAtRisk(), row.createdAt(), row.updatedAt(), c,
                                         leftOut.getOrDefault(row.batchId(), List.of()));
        }).toList();
    }

    private DeletionBatchView row(ResultSet row, int i) throws SQLException {
        return new DeletionBatchView(uuid(row, "batch_id"), DeletionBatchState.valueOf(row.getString("state")),
                                     row.getString("reason"), row.getString("requested_by"),
                                     row.getString("decided_by"), row.getString("cancelled_by"),
                                     row.getInt("accounts"), row.getBigDecimal("monthly_value_at_risk"),
                                     instant(row, "created_at"), instant(row, "updated_at"), Map.of(), List.of());
    }
}
