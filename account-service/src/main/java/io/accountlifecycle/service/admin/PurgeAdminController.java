package io.accountlifecycle.service.admin;

import io.accountlifecycle.api.PausePurgesCommand;
import io.accountlifecycle.api.PurgesPausedEvent;
import io.accountlifecycle.api.ResumePurgesCommand;
import io.accountlifecycle.purge.pause.PurgePause;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.http.ReasonRequest;
import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/admin/purges")
@Tag(name = "Purges", description = "What is about to be purged, and the emergency stop")
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class PurgeAdminController {

    private final CommandSender commands;
    private final PurgePause pause;
    private final ActorResolver actors;

    PurgeAdminController(CommandSender commands, PurgePause pause, ActorResolver actors) {
        this.commands = commands;
        this.pause = pause;
        this.actors = actors;
    }


    /** Whether purges are paused now. */
    @Schema(name = "PurgePauseState")
    record PauseState(boolean paused) {
    }

    @PostMapping("/pause")
    @Operation(operationId = "pausePurges",
               summary = "Pause every purge: holds that end meanwhile are deferred, not lost")
    PauseState pause(@Valid @RequestBody(required = false) ReasonRequest body) {
        String actor = actors.currentActor();
        commands.sendAndWait(new PausePurgesCommand(PurgesPausedEvent.PURGE_CONTROL_ID,
                                                    body == null ? null : body.reason(), actor), Origin.of(actor));
        return new PauseState(pause.isPaused());
    }

    @PostMapping("/resume")
    @Operation(operationId = "resumePurges",
               summary = "Resume purges: deferred purges run now")
    PauseState resume(@Valid @RequestBody(required = false) ReasonRequest body) {
        String actor = actors.currentActor();
        commands.sendAndWait(new ResumePurgesCommand(PurgesPausedEvent.PURGE_CONTROL_ID,
                                                     body == null ? null : body.reason(), actor), Origin.of(actor));
        return new PauseState(pause.isPaused());
    }
}
