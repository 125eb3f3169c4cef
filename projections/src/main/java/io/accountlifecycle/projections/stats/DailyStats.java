package io.accountlifecycle.projections.stats;

import io.accountlifecycle.api.PageView;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.projections.support.PageQuery;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.LocalDate;

/** Daily lifecycle statistics, oldest day first. */
public class DailyStats {

    private final JdbcTemplate jdbc;

    public DailyStats(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Days from {@code from} to {@code to}, both inclusive, each optional. */
    public PageView<DailyStatsView> days(LocalDate from, LocalDate to, Plan plan, int page, int size) {
        return PageQuery.from("projection.daily_lifecycle_stats")
                        .where("day >= ?", from)
                        .where("day <= ?", to)
                        .where("plan = ?", plan == null ? null : plan.name())
                        .orderBy("day, plan")
                        .page(jdbc, "*", page, size, (row, i) -> new DailyStatsView(
                                row.getObject("day", LocalDate.class), Plan.valueOf(row.getString("plan")),
                                row.getLong("opened"), row.getLong("deletion_requested"),
                                row.getLong("quarantined"), row.getLong("cancelled"), row.getLong("purged")));
    }
}
