package io.accountlifecycle.projections.audit;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.projections.support.Csv;

import java.util.Objects;

/** The audit log as CSV: one header record, then one record per entry, in {@link AuditEntryView}'s fields. */
public final class AuditCsv {

    /** The most entries one export holds; past it the answer says it was cut ({@value #TRUNCATED_HEADER}). */
    public static final int MAX_ROWS = 100_000;
    /** Response header: {@code true} when more entries matched than {@link #MAX_ROWS}, which are the newest. */
    public static final String TRUNCATED_HEADER = "Export-Truncated";
    public static final String HEADER = Csv.record("eventId", "occurredAt", "action", "actor", "accountId", "batchId",
                                                   "reason", "correlationId", "details");
    /**
     * The longest record: every text at its limit and each of its characters a quote (so doubled), behind a formula's
     * quote and between the field's two quotes; the ids and the instant quoted; eight commas and the record's end.
     */
    static final int MAX_RECORD_LENGTH = 3 * (36 + 2) + (40 + 2) + 5 * 3
                                         + 2 * (Limits.MAX_NAME_LENGTH + Limits.MAX_ACTOR_LENGTH
                                                + Limits.MAX_REASON_LENGTH + Limits.MAX_CORRELATION_ID_LENGTH
                                                + Limits.MAX_GENERATED_TEXT_LENGTH)
                                         + 8 + 2;
    /** A bound on the header record (98 characters). */
    static final int MAX_HEADER_LENGTH = 200;
    /** The longest body an export can be, in characters (what the OpenAPI description states). */
    public static final int MAX_LENGTH = MAX_HEADER_LENGTH + MAX_ROWS * MAX_RECORD_LENGTH;

    private AuditCsv() {
    }

    public static String record(AuditEntryView entry) {
        return Csv.record(entry.eventId(), text(entry.occurredAt()), entry.action(), entry.actor(),
                          text(entry.accountId()), text(entry.batchId()), entry.reason(), entry.correlationId(),
                          entry.details());
    }

    private static String text(Object value) {
        return value == null ? null : Objects.toString(value);
    }
}
