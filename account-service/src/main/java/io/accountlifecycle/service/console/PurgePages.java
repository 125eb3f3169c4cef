package io.accountlifecycle.service.console;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.api.PendingPurgeView;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.projections.summary.AccountSummaries;
import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.account.query.AccountHistory;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.deletion.DeletionPolicy;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.service.security.ConsoleMode;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Pending purges, soonest first with the time left, filtered by plan, requester and batch (the query of
 * {@code GET /admin/purges/pending}), and the cancel of many at once: the person reviews the count and the monthly
 * value first, restates the count and gives a reason.
 */
@Controller
@Conditional(ConsoleMode.On.class)
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class PurgePages {

    static final int MAX_SELECTED = 1000;

    private final AccountSummaries summaries;
    private final AccountHistory history;
    private final AccountCommands commands;
    private final DeletionPolicy policy;
    private final ActorResolver actors;
    private final Clock clock;

    PurgePages(AccountSummaries summaries, AccountHistory history, AccountCommands commands, DeletionPolicy policy,
               ActorResolver actors, Clock clock) {
        this.summaries = summaries;
        this.history = history;
        this.commands = commands;
        this.policy = policy;
        this.actors = actors;
        this.clock = clock;
    }

    @GetMapping("/console/purges")
    String pending(@RequestParam(required = false) Plan plan, @RequestParam(required = false) String requestedBy,
                   @RequestParam(required = false) String batchId, @RequestParam(defaultValue = "0") int page,
                   Model model) {
        UUID batch = null;
        if (batchId != null && !batchId.isBlank()) {
            try {
                batch = UUID.fromString(batchId.strip());
            } catch (IllegalArgumentException e) {
                model.addAttribute("error", "\"" + batchId.strip() + "\" is not a batch or operation id");
            }
        }
        String requester = requestedBy == null || requestedBy.isBlank() ? null : requestedBy.strip();
        PageView<PendingPurgeView> purges = summaries.pendingPurges(plan, requester, batch, Math.max(0, page), 100);
        model.addAttribute("purges", purges);
        model.addAttribute("plans", Plan.values());
        model.addAttribute("plan", plan);
        model.addAttribute("requestedBy", requester);
        model.addAttribute("batchId", batch);
        return "purges";
    }

    /** What cancelling the selected deletions touches: their count and monthly value, before anything is done. */
    @PostMapping("/console/purges/cancel/review")
    String review(@RequestParam(name = "accountId", required = false) List<UUID> selected, Model model,
                  RedirectAttributes redirect) {
        Set<UUID> ids = selected == null ? Set.of() : new LinkedHashSet<>(selected);
        if (ids.isEmpty() || ids.size() > MAX_SELECTED) {
            redirect.addFlashAttribute("error", ids.isEmpty() ? "Select the deletions to cancel first."
                                                              : "Select at most " + MAX_SELECTED + " at once.");
            return "redirect:/console/purges";
        }
        model.addAttribute("accountIds", ids);
        model.addAttribute("count", ids.size());
        model.addAttribute("value", valueOf(ids));
        return "purges-cancel";
    }

    @PostMapping("/console/purges/cancel")
    String cancel(@RequestParam(name = "accountId", required = false) List<UUID> selected,
                  @RequestParam(defaultValue = "") String confirmCount, @RequestParam(defaultValue = "") String reason,
                  Model model, RedirectAttributes redirect) {
        Set<UUID> ids = selected == null ? Set.of() : new LinkedHashSet<>(selected);
        if (ids.isEmpty() || ids.size() > MAX_SELECTED) {
            redirect.addFlashAttribute("error", "Select between 1 and " + MAX_SELECTED + " deletions to cancel.");
            return "redirect:/console/purges";
        }
        String problem = !confirmCount.strip().equals(Integer.toString(ids.size()))
                         ? "Type the number of deletions to cancel (" + ids.size() + ") to confirm: nothing was "
                           + "cancelled."
                         : ConsoleModel.badReason(reason) ? ConsoleModel.giveAReason("nothing was cancelled.") : null;
        if (problem != null) {
            model.addAttribute("error", problem);
            model.addAttribute("accountIds", ids);
            model.addAttribute("count", ids.size());
            model.addAttribute("value", valueOf(ids));
            return "purges-cancel";
        }
        Origin origin = Origin.of(actors.currentActor());
        List<String> refused = new ArrayList<>();
        int cancelled = 0;
        for (UUID id : ids) {
            try {
                commands.cancelDeletion(id, reason.strip(), origin);
                cancelled++;
            } catch (RuntimeException e) {
                refused.add(id + ": " + ConsoleModel.describe(e));
            }
        }
        redirect.addFlashAttribute("done", cancelled + " of " + ids.size() + " deletions cancelled: those accounts "
                                           + "are Active again with all their data.");
        if (!refused.isEmpty()) {
            redirect.addFlashAttribute("refused", refused);
        }
        return "redirect:/console/purges";
    }

    private BigDecimal valueOf(Set<UUID> ids) {
        Instant now = clock.instant();
        BigDecimal total = BigDecimal.ZERO;
        for (UUID id : ids) {
            total = total.add(policy.valueAtRisk(history.currentState(id).orElse(AccountState.NONE), now));
        }
        return total;
    }
}
