package io.accountlifecycle.projections.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * One admin action or refused attempt.
 *
 * @param action  DELETION_REQUESTED, DELETION_CANCELLED, BATCH_CREATED, BATCH_APPROVED, BATCH_REJECTED,
 *                BATCH_CANCELLED, PURGES_PAUSED, PURGES_RESUMED or ACCESS_DENIED
 * @param details for refused attempts, what was attempted, how many times and when (one entry per subject, action
 *                and minute: {@code PUT /accounts/{id}/plan, 57 times from 2026-12-05T10:03:01Z to …})
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
