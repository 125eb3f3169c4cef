package io.accountlifecycle.projections.timeline;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.Plan;
import io.swagger.v3.oas.annotations.media.Schema;

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
                                @Schema(allowableValues = {"OPENED", "PLAN_CHANGED", "DELETION_REQUESTED",
                                                           "QUARANTINED", "DELETION_CANCELLED", "PURGED"})
                                String change,
                                AccountStatus status,
                                Plan plan,
                                @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String actor,
                                @Schema(maxLength = Limits.MAX_REASON_LENGTH) String reason,
                                Instant purgeDueAt,
                                UUID batchId,
                                @Schema(maxLength = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
}
