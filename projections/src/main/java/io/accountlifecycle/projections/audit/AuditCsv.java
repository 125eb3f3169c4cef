package io.accountlifecycle.projections.audit;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.projections.support.Csv;

import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.UUID;

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

    /** The CSV media type. */
    public static final String CSV = "text/csv";
    private static final Logger log = LoggerFactory.getLogger(AuditCsv.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
                                                                        .withZone(ZoneOffset.UTC);

    private AuditCsv() {
    }

    /**
     * The matching entries as a CSV attachment on {@code response}, newest first, at most {@link #MAX_ROWS}
     * ({@link #TRUNCATED_HEADER} says whether more matched), streamed as they are read: what
     * {@code GET /analytics/audit.csv} and the console's export both answer.
     */
    public static void download(AuditLog audit, String actor, String action, UUID accountId, Instant from,
                                Instant to, Instant now, HttpServletResponse response) throws IOException {
        long matching = audit.count(actor, action, accountId, from, to, MAX_ROWS + 1L);
        String file = "audit-log-" + FILE_TIME.format(now) + ".csv";
        response.setContentType(CSV + ";charset=UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
                           ContentDisposition.attachment().filename(file).build().toString());
        response.setHeader(HttpHeaders.CACHE_CONTROL, CacheControl.noStore().getHeaderValue());
        response.setHeader(TRUNCATED_HEADER, Boolean.toString(matching > MAX_ROWS));
        // The stream, not getWriter(): the servlet's writer swallows a client's disconnect, and the export would read
        // on to the end for nobody.
        Writer out = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8));
        try {
            out.write(HEADER);
            audit.export(actor, action, accountId, from, to, MAX_ROWS, entry -> {
                try {
                    out.write(record(entry));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            out.flush();
        } catch (UncheckedIOException | IOException e) {
            // The client went away mid-download: nobody is left to answer, and nothing changed.
            log.debug("The audit export stopped: {}", e.toString());
        }
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
