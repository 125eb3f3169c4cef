package io.accountlifecycle.service.console;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.DeletionBreakerTrippedEvent;
import io.accountlifecycle.api.PausePurgesCommand;
import io.accountlifecycle.api.PurgesPausedEvent;
import io.accountlifecycle.api.ResetDeletionBreakerCommand;
import io.accountlifecycle.api.ResumePurgesCommand;
import io.accountlifecycle.projections.admin.ProjectionAdmin;
import io.accountlifecycle.purge.pause.PurgePause;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.deletion.DeletionBreakerGuard;
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

/**
 * The safety switches: the deletion breaker (state, rate, reset with a reason), the purge pause and resume, and the
 * projections' status and replays: the same commands and services as {@code /admin/deletion-breaker},
 * {@code /admin/purges/pause|resume} and {@code /admin/projections}.
 */
@Controller
@Conditional(ConsoleMode.On.class)
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class SafetyPages {

    private final DeletionBreakerGuard breaker;
    private final PurgePause pause;
    private final ObjectProvider<ProjectionAdmin> projections;
    private final CommandSender commands;
    private final ActorResolver actors;

    SafetyPages(DeletionBreakerGuard breaker, PurgePause pause, ObjectProvider<ProjectionAdmin> projections,
                CommandSender commands, ActorResolver actors) {
        this.breaker = breaker;
        this.pause = pause;
        this.projections = projections;
        this.commands = commands;
        this.actors = actors;
    }

    @GetMapping("/console/safety")
    String safety(Model model) {
        model.addAttribute("breaker", breaker.state());
        model.addAttribute("paused", pause.isPaused());
        ProjectionAdmin admin = projections.getIfAvailable();
        model.addAttribute("projections", admin == null ? null : admin.statuses());
        return "safety";
    }

    @PostMapping("/console/safety/breaker/reset")
    String resetBreaker(@RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
        return act(redirect, reason, "The breaker is closed: deletion requests are accepted again.", actor ->
                commands.sendAndWait(new ResetDeletionBreakerCommand(DeletionBreakerTrippedEvent.BREAKER_ID, actor,
                                                                     reason.strip()), Origin.of(actor)));
    }

    @PostMapping("/console/safety/purges/pause")
    String pausePurges(@RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
        return act(redirect, reason, "Purges are paused: holds that end meanwhile are deferred, not lost.", actor ->
                commands.sendAndWait(new PausePurgesCommand(PurgesPausedEvent.PURGE_CONTROL_ID, reason.strip(), actor),
                                     Origin.of(actor)));
    }

    @PostMapping("/console/safety/purges/resume")
    String resumePurges(@RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
        return act(redirect, reason, "Purges resumed: deferred purges run now.", actor ->
                commands.sendAndWait(new ResumePurgesCommand(PurgesPausedEvent.PURGE_CONTROL_ID, reason.strip(),
                                                             actor), Origin.of(actor)));
    }

    @PostMapping("/console/safety/projections/{name}/replay")
    String replay(@PathVariable String name, @RequestParam(defaultValue = "") String reason,
                  RedirectAttributes redirect) {
        ProjectionAdmin admin = projections.getIfAvailable();
        if (admin == null) {
            redirect.addFlashAttribute("error", "The projections role does not run on this instance.");
            return "redirect:/console/safety";
        }
        return act(redirect, reason, "Replay of " + name + " started: its read model is rebuilt from the events.",
                   actor -> admin.replay(name));
    }

    private String act(RedirectAttributes redirect, String reason, String done,
                       java.util.function.Consumer<String> action) {
        if (ConsoleModel.badReason(reason)) {
            redirect.addFlashAttribute("error", ConsoleModel.giveAReason("nothing was changed."));
            return "redirect:/console/safety";
        }
        try {
            action.accept(actors.currentActor());
            redirect.addFlashAttribute("done", done);
        } catch (RuntimeException e) {
            redirect.addFlashAttribute("error", ConsoleModel.describe(e));
        }
        return "redirect:/console/safety";
    }
}
