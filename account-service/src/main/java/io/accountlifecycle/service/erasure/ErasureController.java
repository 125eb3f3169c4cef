package io.accountlifecycle.service.erasure;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.account.query.AccountHistory;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.UUID;

@RestController
@RequestMapping("/admin/erasure-requests")
@Validated
@Tag(name = "Erasure requests", description = "People's own requests to be erased, and their legal deadlines")
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class ErasureController {

    private final AccountCommands commands;
    private final AccountHistory history;
    private final ActorResolver actors;

    ErasureController(AccountCommands commands, AccountHistory history, ActorResolver actors) {
        this.commands = commands;
        this.history = history;
        this.actors = actors;
    }

    /** An extension of an erasure's deadline, with the reason the person is told. */
    @Schema(name = "ErasureExtensionRequest")
    record ExtendRequest(@Size(max = Limits.MAX_REASON_LENGTH) String reason,
                         @Schema(description = "The new deadline: after the original, at most "
                                               + "account.erasure.max-extension (P2M) past it")
                         Instant until) {
    }

    /** An erasure request's dates after an extension. */
    @Schema(name = "ErasureDeadline")
    record Deadline(UUID accountId, Instant receivedAt, Instant deadline, Instant extendedUntil) {
    }

    @ApiResponse(responseCode = "200", description = "Extended")
    @ApiResponse(responseCode = "400", description = "No reason, or an end not after the deadline or past the most "
                                                     + "the law allows")
    @ApiResponse(responseCode = "409", description = "No open erasure request, or its deadline has passed")
    @PostMapping("/{accountId}/extend")
    @Operation(operationId = "extendErasureDeadline",
               summary = "Extend an erasure request's deadline by up to two months, decided before the deadline "
                         + "(GDPR Art. 12(3)), with the reason")
    ResponseEntity<Deadline> extend(@PathVariable UUID accountId, @Valid @RequestBody ExtendRequest request) {
        commands.extendErasure(accountId, request.until(), request.reason(), Origin.of(actors.currentActor()));
        AccountState state = history.currentState(accountId)
                                    .orElseThrow(() -> new AggregateNotFoundException(accountId.toString(),
                                                                                      "No account " + accountId));
        AccountState.Erasure erasure = state.erasure();
        return ResponseEntity.ok(new Deadline(accountId, erasure.receivedAt(), erasure.deadline(),
                                              erasure.extendedUntil()));
    }
}
