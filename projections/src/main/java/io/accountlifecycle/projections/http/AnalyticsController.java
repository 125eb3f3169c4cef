package io.accountlifecycle.projections.http;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.projections.audit.AuditCsv;
import io.accountlifecycle.projections.audit.AuditEntryView;
import io.accountlifecycle.projections.audit.AuditLog;
import io.accountlifecycle.projections.batches.DeletionBatchQueries;
import io.accountlifecycle.projections.batches.DeletionBatchView;
import io.accountlifecycle.projections.stats.DailyStats;
import io.accountlifecycle.projections.stats.DailyStatsView;
import io.accountlifecycle.projections.summary.AccountSummaries;
import io.accountlifecycle.projections.summary.AccountSummaryView;
import io.accountlifecycle.projections.timeline.AccountTimelines;
import io.accountlifecycle.projections.timeline.TimelineEntryView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * The read models for analysts ({@code analytics:read}). Every list pages ({@code page} from 0, {@code size} up to
 * 1000) in the one shape the service uses everywhere; sorts are {@code field} or {@code field,asc|desc}.
 */
@RestController
@RequestMapping("/analytics")
@Validated
@Tag(name = "Analytics", description = "Accounts, timelines, audit log and daily statistics from the read models")
public class AnalyticsController {

    static final String CSV = AuditCsv.CSV;

    private final AccountSummaries accounts;
    private final AccountTimelines timelines;
    private final AuditLog audit;
    private final DailyStats stats;
    private final DeletionBatchQueries batches;
    private final Clock clock;

    AnalyticsController(AccountSummaries accounts, AccountTimelines timelines, AuditLog audit, DailyStats stats,
                        DeletionBatchQueries batches, ObjectProvider<Clock> clock) {
        this.accounts = accounts;
        this.timelines = timelines;
        this.audit = audit;
        this.stats = stats;
        this.batches = batches;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @GetMapping("/deletion-batches")
    @Operation(operationId = "listDeletionBatches",
               summary = "Deletion batches, newest first, with their accounts counted by status")
    PageView<DeletionBatchView> deletionBatches(@RequestParam(required = false) @Size(max = Limits.MAX_ACTOR_LENGTH) String requestedBy,
                                                @RequestParam(defaultValue = "0") @Min(0) int page,
                                                @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        return batches.batches(requestedBy, page, size);
    }

    @GetMapping("/accounts")
    @Operation(operationId = "listAccountSummaries",
               summary = "Accounts by status, plan, inactivity and legal hold (underLegalHold=true: covered by a hold "
                         + "in force); personal fields only with accounts:read too")
    PageView<AccountSummaryView> accounts(
            @RequestParam(required = false) AccountStatus status,
            @RequestParam(required = false) Plan plan,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant inactiveSince,
            @RequestParam(required = false) Boolean underLegalHold,
            @RequestParam(defaultValue = "accountId") @Size(max = Limits.MAX_NAME_LENGTH) String sort,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        return accounts.accounts(status, plan, inactiveSince, underLegalHold, sort, page, size);
    }

    @GetMapping("/accounts/{id}/timeline")
    @ApiResponse(responseCode = "404", description = "No such account in the timeline")
    @ApiResponse(responseCode = "200", description = "A page of the account's changes")
    @Operation(operationId = "getAccountTimeline",
               summary = "Every lifecycle change of one account, oldest first, with actor and reason")
    PageView<TimelineEntryView> timeline(@PathVariable UUID id,
                                         @RequestParam(defaultValue = "0") @Min(0) int page,
                                         @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        PageView<TimelineEntryView> timeline = timelines.timeline(id, page, size);
        if (timeline.totalItems() == 0) {
            throw new NoSuchAccountException(id);
        }
        return timeline;
    }

    @GetMapping("/audit")
    @Operation(operationId = "listAuditEntries",
               summary = "Admin actions and refused attempts, newest first; from inclusive, to exclusive")
    PageView<AuditEntryView> audit(
            @RequestParam(required = false) @Size(max = Limits.MAX_ACTOR_LENGTH) String actor,
            @RequestParam(required = false) @Size(max = Limits.MAX_NAME_LENGTH) String action,
            @RequestParam(required = false) UUID accountId,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(defaultValue = "occurredAt,desc") @Size(max = Limits.MAX_NAME_LENGTH) String sort,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        return audit.entries(actor, action, accountId, from, to, sort, page, size);
    }

    /**
     * The same entries as {@link #audit}, all of them up to {@link AuditCsv#MAX_ROWS}, streamed as they are read (a
     * page of entries per query, nothing held between pages). The truncation is decided before the first byte: the
     * matching entries are counted (no further than one past the limit) when the export starts.
     */
    @GetMapping("/audit.csv")
    @ApiResponse(responseCode = "200",
                 description = "A header record, then every matching entry newest first, at most "
                               + AuditCsv.MAX_ROWS + " (the newest; " + AuditCsv.TRUNCATED_HEADER + " says whether "
                               + "more matched). RFC 4180: UTF-8, records end in CRLF, every value quoted with its "
                               + "quotes doubled, a missing one an empty unquoted field. A value that begins with =, "
                               + "+, -, @, a tab or a carriage return starts with a single quote ' so that a "
                               + "spreadsheet shows it as text (OWASP: CSV injection)",
                 headers = {
                         @Header(name = HttpHeaders.CONTENT_DISPOSITION,
                                 description = "attachment, with a file name such as audit-log-20261209T101500Z.csv",
                                 schema = @Schema(type = "string", maxLength = 100,
                                                  example = "attachment; filename=\"audit-log-20261209T101500Z.csv\"")),
                         @Header(name = AuditCsv.TRUNCATED_HEADER,
                                 description = "true when more than " + AuditCsv.MAX_ROWS + " entries matched: "
                                               + "narrow the filters (from, to) for the rest",
                                 schema = @Schema(type = "boolean"))},
                 content = @Content(mediaType = CSV,
                                    schema = @Schema(type = "string", maxLength = AuditCsv.MAX_LENGTH)))
    @Operation(operationId = "exportAuditEntries",
               summary = "The audit log as a CSV file for spreadsheets, with the filters of listAuditEntries; "
                         + "from inclusive, to exclusive")
    void auditCsv(@RequestParam(required = false) @Size(max = Limits.MAX_ACTOR_LENGTH) String actor,
                  @RequestParam(required = false) @Size(max = Limits.MAX_NAME_LENGTH) String action,
                  @RequestParam(required = false) UUID accountId,
                  @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                  @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                  HttpServletResponse response) throws IOException {
        AuditCsv.download(audit, actor, action, accountId, from, to, clock.instant(), response);
    }

    @GetMapping("/stats/daily")
    @Operation(operationId = "listDailyStats",
               summary = "Opened, deletion requested, quarantined, cancelled and purged per UTC day and plan")
    PageView<DailyStatsView> daily(
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(required = false) Plan plan,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        return stats.days(from, to, plan, page, size);
    }

    /** No timeline: the account never existed (or the projection has not reached it yet). */
    static class NoSuchAccountException extends ErrorResponseException {
        NoSuchAccountException(UUID id) {
            super(HttpStatus.NOT_FOUND, problem(id), null);
        }

        private static ProblemDetail problem(UUID id) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                                                                     "No account " + id + " in the timeline");
            problem.setTitle("Account not found");
            return problem;
        }
    }
}
