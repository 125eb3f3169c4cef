package io.accountlifecycle.api;

import java.util.UUID;

/** An account moved from {@code previousPlan} to {@code plan}; read by projections and value-at-risk. */
public record AccountPlanChangedEvent(UUID accountId, Plan previousPlan, Plan plan) {
}
