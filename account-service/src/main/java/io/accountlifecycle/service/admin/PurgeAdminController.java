package io.accountlifecycle.service.admin;

import io.accountlifecycle.api.PageView;
import io.accountlifecycle.api.PausePurgesCommand;
import io.accountlifecycle.api.PendingPurgeView;
import io.accountlifecycle.api.PurgesPausedEvent;
import io.accountlifecycle.api.ResumePurgesCommand;
import io.accountlifecycle.purge.pause.PurgePause;
import io.accountlifecycle.projections.summary.AccountSummaries;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

@RestController
@RequestMapping("/admin/purges")
@Validated
@Tag(name = "Purges", description = "What is about to be purged, and the emergency stop")
class PurgeAdminController {

    private final CommandGateway commands;
    private final AccountSummaries summaries;
    private final PurgePause pause;
    private final ActorResolver actors;

    PurgeAdminController(CommandGateway commands, AccountSummaries summaries, PurgePause pause, ActorResolver actors) {
        this.commands = commands;
        this.summaries = summaries;
        this.pause = pause;
        this.actors = actors;
    }

    /** Optional body of pause and resume. */
    record Reason(String reason) {
    }

    @GetMapping("/pending")
    @Operation(summary = "Quarantined accounts with the time left before their purge, soonest first")
    PageView<PendingPurgeView> pending(@RequestParam(defaultValue = "0") @Min(0) int page,
                                       @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        return summaries.pendingPurges(page, size);
    }

    @PostMapping("/pause")
    @Operation(summary = "Pause every purge: holds that end meanwhile are deferred, not lost")
    Map<String, Object> pause(@RequestBody(required = false) Reason body) {
        String actor = actors.currentActor();
        commands.sendAndWait(new PausePurgesCommand(PurgesPausedEvent.PURGE_CONTROL_ID,
                                                    body == null ? null : body.reason(), actor),
                             MetaData.with(EventStoreConfiguration.ACTOR, actor));
        return Map.of("paused", pause.isPaused());
    }

    @PostMapping("/resume")
    @Operation(summary = "Resume purges: deferred purges run now")
    Map<String, Object> resume(@RequestBody(required = false) Reason body) {
        String actor = actors.currentActor();
        commands.sendAndWait(new ResumePurgesCommand(PurgesPausedEvent.PURGE_CONTROL_ID,
                                                     body == null ? null : body.reason(), actor),
                             MetaData.with(EventStoreConfiguration.ACTOR, actor));
        return Map.of("paused", pause.isPaused());
    }
}
