package io.accountlifecycle.projections.timeline;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Plan;

import java.time.Instant;
import java.util.UUID;

/**
 * One change of an account's lifecycle.
 *
 * @param change OPENED, PLAN_CHANGED, DELETION_REQUESTED, QUARANTINED, DELETION_CANCELLED or PURGED
 * @param status the account's status after the change
 * @param plan   the plan, on OPENED and PLAN_CHANGED
 */
public record TimelineEntryView(long sequenceNumber,
                                Instant occurredAt,
                                String change,
                                AccountStatus status,
                                Plan plan,
                                String actor,
                                String reason,
                                Instant purgeDueAt,
                                UUID batchId,
                                String correlationId) {
}
