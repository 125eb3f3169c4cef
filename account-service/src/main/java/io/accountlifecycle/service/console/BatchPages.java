package io.accountlifecycle.service.console;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.projections.batches.DeletionBatchQueries;
import io.accountlifecycle.projections.batches.DeletionBatchView;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.batch.DeletionBatches;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.deletion.DeletionApprovals;
import io.accountlifecycle.service.deletion.DeletionOperations;
import io.accountlifecycle.service.deletion.DeletionPolicy;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.service.security.ConsoleMode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Deletion batches and operations: preview a clean-up (the exact list, counts by plan, monthly value at risk, who is
 * left out and why), execute exactly what was previewed, approve or reject as a second person, undo a batch or an
 * operation, with the batch's progress while it runs. {@link DeletionBatches}, {@link DeletionPolicy},
 * {@link DeletionApprovals} and {@link DeletionOperations}, as the API's endpoints use them.
 */
@Controller
@Conditional(ConsoleMode.On.class)
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class BatchPages {

    /** Batch states in which it still runs: its page refreshes its progress. */
    private static final Set<DeletionBatchState> RUNNING = Set.of(DeletionBatchState.IN_PROGRESS);

    private final DeletionBatches batches;
    private final DeletionBatchQueries views;
    private final DeletionPolicy policy;
    private final DeletionApprovals approvals;
    private final DeletionOperations operations;
    private final ActorResolver actors;

    BatchPages(DeletionBatches batches, DeletionBatchQueries views, DeletionPolicy policy,
               DeletionApprovals approvals, DeletionOperations operations, ActorResolver actors) {
        this.batches = batches;
        this.views = views;
        this.policy = policy;
        this.approvals = approvals;
        this.operations = operations;
        this.actors = actors;
    }

    @GetMapping("/console/batches")
    String list(@RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("batches", views.batches(null, Math.max(0, page), 50));
        model.addAttribute("plans", Plan.values());
        return "batches";
    }

    /** The dry run: nothing changes but a short-lived token bound to the exact set shown. */
    @PostMapping("/console/batches/preview")
    String preview(@RequestParam(defaultValue = "") String inactiveSince,
                   @RequestParam(name = "plan", required = false) List<Plan> plans,
                   @RequestParam(defaultValue = "") String accountIds, Model model, RedirectAttributes redirect) {
        Instant since = null;
        List<UUID> ids = new ArrayList<>();
        try {
            if (!inactiveSince.isBlank()) {
                since = LocalDate.parse(inactiveSince.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            for (String id : accountIds.split("[\\s,]+")) {
                if (!id.isBlank()) {
                    ids.add(UUID.fromString(id));
                }
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            redirect.addFlashAttribute("error", "Inactive since is a date (2026-01-31) and account ids are UUIDs, "
                                                + "one per line: " + e.getMessage());
            return "redirect:/console/batches";
        }
        try {
            DeletionBatches.Preview preview = batches.preview(new DeletionBatches.Criteria(
                    ids.isEmpty() ? null : ids, since, plans == null || plans.isEmpty() ? null : plans),
                                                              actors.currentActor());
            model.addAttribute("preview", preview);
            model.addAttribute("inactiveSince", inactiveSince);
            return "batch-preview";
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("error", ConsoleModel.describe(e));
            return "redirect:/console/batches";
        }
    }

    @PostMapping("/console/batches/execute")
    String execute(@RequestParam UUID previewToken, @RequestParam(defaultValue = "") String reason,
                   RedirectAttributes redirect) {
        if (ConsoleModel.badReason(reason)) {
            redirect.addFlashAttribute("error",
                                       ConsoleModel.giveAReason("nothing was executed. Preview again to execute."));
            return "redirect:/console/batches";
        }
        try {
            DeletionBatches.Created created = batches.execute(previewToken, reason.strip(), actors.currentActor());
            redirect.addFlashAttribute("done", created.state() == DeletionBatchState.PENDING_APPROVAL
                    ? "The batch waits for a second admin's approval: " + created.approvalReason()
                    : "The batch is running: its accounts are being quarantined.");
            return "redirect:/console/batches/" + created.batchId();
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("error", ConsoleModel.describe(e));
            return "redirect:/console/batches";
        }
    }

    @GetMapping("/console/batches/{id}")
    String batch(@PathVariable UUID id, Model model) {
        Optional<DeletionBatchView> batch = views.batch(id);
        model.addAttribute("batchId", id);
        batch.ifPresent(view -> {
            model.addAttribute("batch", view);
            model.addAttribute("running", RUNNING.contains(view.state()));
            model.addAttribute("mine", view.requestedBy() != null && view.requestedBy().equals(actors.currentActor()));
        });
        return "batch";
    }

    /** The progress part of a batch's page, which the page refreshes while the batch runs (htmx). */
    @GetMapping("/console/batches/{id}/progress")
    String progress(@PathVariable UUID id, Model model) {
        batch(id, model);
        return "batch :: progress";
    }

    @PostMapping("/console/batches/{id}/approve")
    String approve(@PathVariable UUID id, RedirectAttributes redirect) {
        try {
            policy.approveBatch(id, Origin.of(actors.currentActor()).inBatch(id));
            redirect.addFlashAttribute("done", "Approved: the batch goes ahead.");
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("error", ConsoleModel.describe(e));
        }
        return "redirect:/console/batches/" + id;
    }

    @PostMapping("/console/batches/{id}/reject")
    String reject(@PathVariable UUID id, @RequestParam(defaultValue = "") String reason,
                  RedirectAttributes redirect) {
        if (ConsoleModel.tooLong(reason)) {
            redirect.addFlashAttribute("error", "A reason has at most " + Limits.MAX_REASON_LENGTH
                                                + " characters: nothing was decided.");
            return "redirect:/console/batches/" + id;
        }
        try {
            policy.rejectBatch(id, reason.isBlank() ? null : reason.strip(),
                               Origin.of(actors.currentActor()).inBatch(id));
            redirect.addFlashAttribute("done", "Rejected: nothing is deleted.");
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("error", ConsoleModel.describe(e));
        }
        return "redirect:/console/batches/" + id;
    }

    /** Undo the whole batch: every account still in the hold is Active again; the form restated the count. */
    @PostMapping("/console/batches/{id}/undo")
    String undo(@PathVariable UUID id, @RequestParam(defaultValue = "") String confirmCount,
                @RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
        Optional<DeletionBatchView> batch = views.batch(id);
        if (batch.isEmpty()) {
            redirect.addFlashAttribute("error", "No batch " + id);
            return "redirect:/console/batches";
        }
        if (!confirmCount.strip().equals(Integer.toString(batch.get().accounts()))) {
            redirect.addFlashAttribute("error", "Type the batch's number of accounts (" + batch.get().accounts()
                                                + ") to confirm: nothing was undone.");
        } else if (ConsoleModel.badReason(reason)) {
            redirect.addFlashAttribute("error", ConsoleModel.giveAReason("nothing was undone."));
        } else {
            try {
                DeletionBatches.Cancelled cancelled = batches.cancel(id, reason.strip(), actors.currentActor());
                redirect.addFlashAttribute("done", "Undone: " + cancelled.restored() + " accounts restored"
                                                   + (cancelled.alreadyPurged() > 0
                                                      ? ", " + cancelled.alreadyPurged() + " already purged" : "")
                                                   + ".");
            } catch (RuntimeException e) {
                redirect.addFlashAttribute("error", ConsoleModel.describe(e));
            }
        }
        return "redirect:/console/batches/" + id;
    }

    @GetMapping("/console/approvals")
    String approvals(Model model) {
        model.addAttribute("waiting", approvals.waiting());
        model.addAttribute("me", actors.currentActor());
        return "approvals";
    }

    @PostMapping("/console/approvals/{operationId}/approve")
    String approveWaiting(@PathVariable UUID operationId, RedirectAttributes redirect) {
        try {
            DeletionApprovals.Decided decided = approvals.approve(operationId, Origin.of(actors.currentActor()));
            redirect.addFlashAttribute("done", "Approved: " + decided.accounts() + " deletions go ahead.");
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("error", ConsoleModel.describe(e));
        }
        return "redirect:/console/approvals";
    }

    @PostMapping("/console/approvals/{operationId}/reject")
    String rejectWaiting(@PathVariable UUID operationId, @RequestParam(defaultValue = "") String reason,
                         RedirectAttributes redirect) {
        if (ConsoleModel.tooLong(reason)) {
            redirect.addFlashAttribute("error", "A reason has at most " + Limits.MAX_REASON_LENGTH
                                                + " characters: nothing was decided.");
            return "redirect:/console/approvals";
        }
        try {
            DeletionApprovals.Decided decided = approvals.reject(operationId, reason.isBlank() ? null : reason.strip(),
                                                                 Origin.of(actors.currentActor()));
            redirect.addFlashAttribute("done", "Rejected: " + decided.accounts() + " deletions will not happen.");
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("error", ConsoleModel.describe(e));
        }
        return "redirect:/console/approvals";
    }

    /** Undo by operation, first step: the accounts it would restore, their count and value, and a token. */
    @PostMapping("/console/operations/preview")
    String previewOperation(@RequestParam(defaultValue = "") String requestedBy,
                            @RequestParam(defaultValue = "") String from, @RequestParam(defaultValue = "") String to,
                            @RequestParam(defaultValue = "") String correlationId,
                            @RequestParam(defaultValue = "") String batchId, Model model,
                            RedirectAttributes redirect) {
        try {
            DeletionOperations.Criteria criteria = new DeletionOperations.Criteria(
                    blankToNull(requestedBy), instantOrNull(from), instantOrNull(to), blankToNull(correlationId),
                    batchId.isBlank() ? null : UUID.fromString(batchId.strip()));
            model.addAttribute("operation", operations.preview(criteria, actors.currentActor()));
            model.addAttribute("criteria", criteria);
            return "operation-preview";
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("error", ConsoleModel.describe(e));
            return "redirect:/console/batches";
        }
    }

    @PostMapping("/console/operations/undo")
    String undoOperation(@RequestParam UUID previewToken, @RequestParam(defaultValue = "") String reason,
                         RedirectAttributes redirect) {
        if (ConsoleModel.badReason(reason)) {
            redirect.addFlashAttribute("error",
                                       ConsoleModel.giveAReason("nothing was undone. Preview the operation again."));
            return "redirect:/console/batches";
        }
        try {
            DeletionOperations.Cancelled cancelled = operations.cancel(previewToken, reason.strip(),
                                                                       actors.currentActor());
            redirect.addFlashAttribute("done", "Undone: " + cancelled.restored().size() + " accounts restored"
                                               + (cancelled.alreadyPurged().isEmpty() ? ""
                                                  : ", " + cancelled.alreadyPurged().size() + " already purged")
                                               + ".");
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("error", ConsoleModel.describe(e));
        }
        return "redirect:/console/batches";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Instant instantOrNull(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        return v.endsWith("Z") ? Instant.parse(v) : java.time.LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
    }
}
