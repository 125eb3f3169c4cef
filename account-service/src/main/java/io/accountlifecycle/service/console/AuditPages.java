package io.accountlifecycle.service.console;

import io.accountlifecycle.projections.audit.AuditCsv;
import io.accountlifecycle.projections.audit.AuditLog;
import jakarta.servlet.http.HttpServletResponse;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.service.security.ConsoleMode;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** The audit log (the read model of {@code GET /analytics/audit}): filtered by actor, action, account and time. */
@Controller
@Conditional(ConsoleMode.On.class)
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class AuditPages {

    private final ObjectProvider<AuditLog> audit;
    private final Clock clock;

    AuditPages(ObjectProvider<AuditLog> audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** The filters as the form sends them: blanks are no filter; dates are whole UTC days, {@code to} inclusive. */
    record Filters(String actor, String action, String accountId, String from, String to) {

        String actorOrNull() {
            return blank(actor) ? null : actor.strip();
        }

        String actionOrNull() {
            return blank(action) ? null : action.strip().toUpperCase(java.util.Locale.ROOT);
        }

        UUID account() {
            return blank(accountId) ? null : UUID.fromString(accountId.strip());
        }

        Instant fromInstant() {
            return blank(from) ? null : LocalDate.parse(from.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
        }

        Instant toInstant() {
            return blank(to) ? null : LocalDate.parse(to.strip()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        }

        private static boolean blank(String value) {
            return value == null || value.isBlank();
        }
    }

    /** The filtered log as CSV: the document of {@code GET /analytics/audit.csv} (formulas made inert). */
    @GetMapping("/console/audit.csv")
    void csv(Filters filters, HttpServletResponse response) throws IOException {
        AuditLog log = audit.getIfAvailable();
        if (log == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "The projections role does not run here");
            return;
        }
        try {
            AuditCsv.download(log, filters.actorOrNull(), filters.actionOrNull(), filters.account(),
                              filters.fromInstant(), filters.toInstant(), clock.instant(), response);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "Dates are days such as 2026-12-01 and the "
                                                                   + "account is an id (UUID)");
        }
    }

    @GetMapping("/console/audit")
    String audit(Filters filters, @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("filters", filters);
        AuditLog log = audit.getIfAvailable();
        if (log == null) {
            model.addAttribute("error", "The projections role does not run on this instance: no audit log here.");
            return "audit";
        }
        try {
            model.addAttribute("entries", log.entries(filters.actorOrNull(), filters.actionOrNull(), filters.account(),
                                                      filters.fromInstant(), filters.toInstant(), "occurredAt,desc",
                                                      Math.max(0, page), 100));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            model.addAttribute("error", "Dates are days such as 2026-12-01 and the account is an id (UUID): "
                                        + e.getMessage());
        }
        return "audit";
    }
}
