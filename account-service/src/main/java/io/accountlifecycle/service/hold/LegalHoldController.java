package io.accountlifecycle.service.hold;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.http.ReasonRequest;
import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

@RestController
@RequestMapping("/admin/legal-holds")
@Validated
@Tag(name = "Legal holds", description = "Keep accounts' data whatever deletion is asked for, while a matter lasts")
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class LegalHoldController {

    private final LegalHolds holds;
    private final ActorResolver actors;

    LegalHoldController(LegalHolds holds, ActorResolver actors) {
        this.holds = holds;
        this.actors = actors;
    }

    /**
     * A hold to place: on the accounts listed and/or those the criteria match now.
     *
     * @param endsAt when the hold ends by itself; absent: until released
     */
    @Schema(name = "LegalHoldRequest")
    record PlaceRequest(List<UUID> accountIds,
                        LegalHolds.Criteria criteria,
                        @Size(max = Limits.MAX_REASON_LENGTH)
                        @Schema(description = "The case or investigation the data is kept for",
                                example = "Case 2026-114")
                        String matter,
                        @Size(max = Limits.MAX_REASON_LENGTH) String reason,
                        Instant endsAt) {
    }

    @ApiResponse(responseCode = "201", description = "Placed: every account it covers is held from now on; "
                                                     + "accounts it could not cover (purged, unknown) are listed")
    @ApiResponse(responseCode = "400", description = "No accounts or criteria, no matter or reason, an end in the "
                                                     + "past, or more accounts than one hold may cover")
    @PostMapping
    @Operation(operationId = "placeLegalHold",
               summary = "Place a legal hold (accounts:legal): its accounts may still be quarantined, never purged, "
                         + "until it is released or ends")
    ResponseEntity<LegalHolds.Placed> place(@Valid @RequestBody PlaceRequest request) {
        LegalHolds.Placed placed = holds.place(request.accountIds(), request.criteria(), request.matter(),
                                               request.reason(), request.endsAt(), origin());
        var location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}")
                                                  .buildAndExpand(placed.holdId()).toUri();
        return ResponseEntity.status(HttpStatus.CREATED).location(location).body(placed);
    }

    @ApiResponse(responseCode = "202", description = "Released: its accounts are purged as soon as nothing else "
                                                     + "holds them and their purge is due")
    @ApiResponse(responseCode = "409", description = "Already released")
    @PostMapping("/{id}/release")
    @Operation(operationId = "releaseLegalHold", summary = "Release a legal hold (accounts:legal), with a reason")
    ResponseEntity<Void> release(@PathVariable UUID id, @Valid @RequestBody ReasonRequest request) {
        holds.release(id, request.reason(), origin());
        return ResponseEntity.accepted().build();
    }

    private Origin origin() {
        return Origin.of(actors.currentActor());
    }
}
