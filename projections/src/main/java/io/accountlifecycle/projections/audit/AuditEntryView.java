package io.accountlifecycle.projections.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * One admin action or refused attempt.
 *
 * @param action  DELETION_REQUESTED, DELETION_CANCELLED, BATCH_CREATED, BATCH_APPROVED, BATCH_REJECTED,
 *                BATCH_CANCELLED, PURGES_PAUSED, PURGES_RESUMED or ACCESS_DENIED
 * @param details what was attempted, for a refused attempt
 */
public record AuditEntryView(String eventId,
                             Instant occurredAt,
                             String action,
                             String actor,
                             UUID accountId,
                             UUID batchId,
                             String reason,
                             String correlationId,
                             String details) {
}
