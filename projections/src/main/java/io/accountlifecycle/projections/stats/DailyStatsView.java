package io.accountlifecycle.projections.stats;

import io.accountlifecycle.api.Plan;

import java.time.LocalDate;

/** What happened to accounts of one plan on one UTC day. */
public record DailyStatsView(LocalDate day,
                             Plan plan,
                             long opened,
                             long deletionRequested,
                             long quarantined,
                             long cancelled,
                             long purged) {
}
