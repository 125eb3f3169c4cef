package io.accountlifecycle.projections.timeline;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.projections.support.PageQuery;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.instant;
import static io.accountlifecycle.projections.support.Sql.uuid;

/** An account's lifecycle, oldest change first. */
public class AccountTimelines {

    private final JdbcTemplate jdbc;

    public AccountTimelines(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public PageView<TimelineEntryView> timeline(UUID accountId, int page, int size) {
        return PageQuery.from("projection.account_timeline")
                        .where("account_id = ?", accountId)
                        .orderBy("sequence_number")
                        .page(jdbc, "*", page, size, (row, i) -> {
                            String plan = row.getString("plan");
                            return new TimelineEntryView(row.getLong("sequence_number"),
                                                         instant(row, "occurred_at"),
                                                         row.getString("change"),
                                                         AccountStatus.valueOf(row.getString("status")),
                                                         plan == null ? null : Plan.valueOf(plan),
                                                         row.getString("actor"),
                                                         row.getString("reason"),
                                                         instant(row, "purge_due_at"),
                                                         uuid(row, "batch_id"),
                                                         row.getString("correlation_id"));
                        });
    }
}
