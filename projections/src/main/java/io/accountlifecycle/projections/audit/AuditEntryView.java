package io.accountlifecycle.projections.audit;

import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.UUID;

/**
 * One admin action or refused attempt.
 *
 * @param action  DELETION_REQUESTED, DELETION_CANCELLED, BATCH_CREATED, BATCH_APPROVED, BATCH_REJECTED,
 *                BATCH_CANCELLED, PURGES_PAUSED, PURGES_RESUMED, ACCESS_DENIED, LEGAL_HOLD_PLACED,
 *                LEGAL_HOLD_RELEASED, LEGAL_HOLD_APPLIED, LEGAL_HOLD_LIFTED, PURGE_BLOCKED_BY_HOLD,
 *                ERASURE_DEADLINE_EXTENDED, PURGE_EXPEDITE_REQUESTED, PURGE_EXPEDITED, ACCOUNT_EXPORTED, …
 * @param details for refused attempts, what was attempted, how many times and when (one entry per subject, action
 *                and minute: {@code PUT /accounts/{id}/plan, 57 times from 2026-12-05T10:03:01Z to …})
 */
public record AuditEntryView(@Schema(format = "uuid") String eventId,
                             Instant occurredAt,
                             @Schema(maxLength = Limits.MAX_NAME_LENGTH, pattern = "^[A-Z_]+$") String action,
                             @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String actor,
                             UUID accountId,
                             UUID batchId,
                             @Schema(maxLength = Limits.MAX_REASON_LENGTH) String reason,
                             @Schema(maxLength = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId,
                             @Schema(maxLength = Limits.MAX_GENERATED_TEXT_LENGTH) String details) {
}
