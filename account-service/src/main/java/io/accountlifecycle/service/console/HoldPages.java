package io.accountlifecycle.service.console;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.projections.holds.LegalHoldQueries;
import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.hold.LegalHolds;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.service.security.ConsoleMode;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Legal holds (and their release) and erasure requests with their deadlines (and their extension): the read models
 * of {@code GET /admin/legal-holds} and {@code GET /admin/erasure-requests}, and {@link LegalHolds} and
 * {@link AccountCommands} as their endpoints use them.
 */
@Controller
@Conditional(ConsoleMode.On.class)
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class HoldPages {

    private final ObjectProvider<LegalHoldQueries> queries;
    private final LegalHolds holds;
    private final AccountCommands commands;
    private final ActorResolver actors;

    HoldPages(ObjectProvider<LegalHoldQueries> queries, LegalHolds holds, AccountCommands commands,
              ActorResolver actors) {
        this.queries = queries;
        this.holds = holds;
        this.commands = commands;
        this.actors = actors;
    }

    @GetMapping("/console/legal-holds")
    String holds(@RequestParam(defaultValue = "false") boolean inForce, @RequestParam(defaultValue = "0") int page,
                 Model model) {
        LegalHoldQueries read = queries.getIfAvailable();
        model.addAttribute("holds", read == null ? null : read.holds(inForce, Math.max(0, page), 100));
        model.addAttribute("inForce", inForce);
        return "legal-holds";
    }

    @PostMapping("/console/legal-holds/{id}/release")
    String release(@PathVariable UUID id, @RequestParam(defaultValue = "") String reason,
                   RedirectAttributes redirect) {
        if (ConsoleModel.badReason(reason)) {
            redirect.addFlashAttribute("error", ConsoleModel.giveAReason("the hold is still in force."));
        } else {
            try {
                holds.release(id, reason.strip(), Origin.of(actors.currentActor()));
                redirect.addFlashAttribute("done", "Hold " + id + " released: purges it blocked go ahead when due.");
            } catch (RuntimeException e) {
                redirect.addFlashAttribute("error", ConsoleModel.describe(e));
            }
        }
        return "redirect:/console/legal-holds";
    }

    @GetMapping("/console/erasure-requests")
    String erasures(@RequestParam(defaultValue = "0") int page, Model model) {
        LegalHoldQueries read = queries.getIfAvailable();
        model.addAttribute("requests", read == null ? null : read.erasureRequests(Math.max(0, page), 100));
        return "erasure-requests";
    }

    @PostMapping("/console/erasure-requests/{accountId}/extend")
    String extend(@PathVariable UUID accountId, @RequestParam(defaultValue = "") String until,
                  @RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
        Instant end;
        try {
            end = LocalDate.parse(until.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            redirect.addFlashAttribute("error", "The new deadline is a date such as 2027-02-28: nothing changed.");
            return "redirect:/console/erasure-requests";
        }
        if (ConsoleModel.badReason(reason)) {
            redirect.addFlashAttribute("error", ConsoleModel.giveAReason("nothing changed."));
            return "redirect:/console/erasure-requests";
        }
        try {
            commands.extendErasure(accountId, end, reason.strip(), Origin.of(actors.currentActor()));
            redirect.addFlashAttribute("done", "The erasure of " + accountId + " is now due by " + end + ".");
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("error", ConsoleModel.describe(e));
        }
        return "redirect:/console/erasure-requests";
    }
}
