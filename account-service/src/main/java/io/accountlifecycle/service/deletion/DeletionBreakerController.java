package io.accountlifecycle.service.deletion;

import io.accountlifecycle.api.DeletionBreakerTrippedEvent;
import io.accountlifecycle.api.ResetDeletionBreakerCommand;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.http.ReasonRequest;
import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/admin/deletion-breaker")
@Tag(name = "Deletion breaker", description = "Refuses deletions above a request rate until an admin resets it")
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class DeletionBreakerController {

    private final DeletionBreakerGuard guard;
    private final CommandSender commands;
    private final ActorResolver actors;

    DeletionBreakerController(DeletionBreakerGuard guard, CommandSender commands, ActorResolver actors) {
        this.guard = guard;
        this.commands = commands;
        this.actors = actors;
    }


    @GetMapping
    @Operation(operationId = "getDeletionBreaker",
               summary = "Open or closed, when it tripped, and the deletion requests (and quarantines) of the last minute against the limit")
    DeletionBreakerGuard.State state() {
        return guard.state();
    }

    @PostMapping("/reset")
    @ApiResponse(responseCode = "409",
                 description = "The breaker is closed, or the actor made more than half of the requests that tripped it")
    @ApiResponse(responseCode = "200", description = "Closed: deletion requests are accepted again")
    @Operation(operationId = "resetDeletionBreaker",
               summary = "Close the breaker, with a reason: deletion requests are accepted again; earlier requests stop counting. Refused to an actor who made more than half of the requests that tripped it")
    DeletionBreakerGuard.State reset(@Valid @RequestBody(required = false) ReasonRequest body) {
        String actor = actors.currentActor();
        commands.sendAndWait(new ResetDeletionBreakerCommand(DeletionBreakerTrippedEvent.BREAKER_ID, actor,
                                                             body == null ? null : body.reason()),
                             Origin.of(actor));
        return guard.state();
    }
}
