package io.accountlifecycle.service.account.http;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.account.query.AccountHistory;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.http.ReasonRequest;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.service.security.Scopes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

@RestController
@RequestMapping("/accounts")
@Validated
@Tag(name = "Accounts", description = "Open, change and read accounts; every change is an event")
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class AccountController {

    static final String CORRELATION_HEADER = "X-Correlation-Id";

    private final AccountCommands commands;
    private final AccountHistory history;
    private final AccountExports exports;
    private final ActorResolver actors;
    private final Clock clock;

    AccountController(AccountCommands commands, AccountHistory history, AccountExports exports,
                      ActorResolver actors, Clock clock) {
        this.commands = commands;
        this.history = history;
        this.exports = exports;
        this.actors = actors;
        this.clock = clock;
    }

    @ApiResponse(responseCode = "201", description = "Opened; its address is in Location",
                 headers = @Header(name = "Location", description = "The account's address",
                                    schema = @Schema(type = "string", format = "uri", maxLength = 2048)))
    @ApiResponse(responseCode = "409", description = "The id was used before: account ids are never reused")
    @PostMapping
    @Operation(operationId = "openAccount",
               summary = "Open an account under the id the caller chose")
    ResponseEntity<OpenAccountResponse> open(@Valid @RequestBody OpenAccountRequest request,
                                             @RequestHeader(name = CORRELATION_HEADER, required = false)
                                             @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        commands.open(request.accountId(), request.email(), request.displayName(), request.plan(),
                      Boolean.TRUE.equals(request.protectedAccount()), origin(correlationId));
        var location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}")
                                                  .buildAndExpand(request.accountId()).toUri();
        return ResponseEntity.created(location).body(new OpenAccountResponse(request.accountId()));
    }

    @ApiResponse(responseCode = "200", description = "The account",
                 headers = {@Header(name = "ETag", description = "The account's version",
                                    schema = @Schema(type = "string", maxLength = 24)),
                            @Header(name = "Server-Timing", description = "How long rebuilding it from its events took",
                                    schema = @Schema(type = "string", maxLength = 200))})
    @GetMapping("/{id}")
    @Operation(operationId = "getAccount",
               summary = "The account's state rebuilt from its events, now or as of an instant")
    ResponseEntity<AccountResponse> get(@PathVariable UUID id,
                                        @Parameter(description = "ISO-8601 instant, e.g. 2026-11-23T10:15:30Z")
                                        @RequestParam(required = false)
                                        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant asOf) {
        long started = System.nanoTime();
        AccountState state = history.stateAsOf(id, asOf).orElseThrow(() -> notFound(id, asOf));
        double tookMillis = (System.nanoTime() - started) / 1e6;
        // How long rebuilding the account from its events took (W3C Server-Timing; browsers' dev tools show it).
        String rebuild = String.format(Locale.ROOT, "rebuild;dur=%.3f;desc=\"%d events\"", tookMillis,
                                       state.version() + 1);
        return ResponseEntity.ok().eTag(Long.toString(state.version())).header("Server-Timing", rebuild)
                             .body(toResponse(state));
    }

    @GetMapping("/{id}/events")
    @ApiResponse(responseCode = "200", description = "A page of the account's events")
    @Operation(operationId = "listAccountEvents",
               summary = "The account's full event history, oldest first")
    PageView<AccountEventResponse> events(@PathVariable UUID id,
                                          @RequestParam(defaultValue = "0") @Min(0) int page,
                                          @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        PageView<DomainEventMessage<?>> slice = history.events(id, page, size).orElseThrow(() -> notFound(id, null));
        return new PageView<>(slice.items().stream().map(this::toResponse).toList(), slice.page(), slice.size(),
                              slice.totalItems(), slice.hasNext());
    }

    @GetMapping("/{id}/export")
    @ApiResponse(responseCode = "200", description = "The account's data: its state and full history, personal fields "
                                                     + "opened; a purged account's holds no personal data")
    @ApiResponse(responseCode = "422", description = "A history longer than one export holds (1,000,000 events)")
    @Operation(operationId = "exportAccount",
               summary = "Export the account's data with its full history, machine-readable (GDPR Art. 20); needs "
                         + "accounts:read and accounts:export, and is audited")
    ResponseEntity<AccountExport> export(@PathVariable UUID id) {
        AccountExport export = exports.export(id, actors.currentActor());
        return ResponseEntity.ok()
                             .header("Content-Disposition", "attachment; filename=\"account-" + id + ".json\"")
                             .header("Cache-Control", "no-store")
                             .body(export);
    }

    @ApiResponse(responseCode = "204", description = "Changed")
    @PatchMapping("/{id}/profile")
    @Operation(operationId = "updateAccountProfile",
               summary = "Change the email and/or display name")
    ResponseEntity<Void> updateProfile(@PathVariable UUID id, @RequestBody UpdateProfileRequest request,
                                       @RequestHeader(name = CORRELATION_HEADER, required = false)
                                       @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        commands.updateProfile(id, request.email(), request.displayName(), origin(correlationId));
        return ResponseEntity.noContent().build();
    }

    @ApiResponse(responseCode = "204", description = "Changed")
    @PutMapping("/{id}/plan")
    @Operation(operationId = "changeAccountPlan",
               summary = "Move the account to another plan")
    ResponseEntity<Void> changePlan(@PathVariable UUID id, @Valid @RequestBody ChangePlanRequest request,
                                    @RequestHeader(name = CORRELATION_HEADER, required = false)
                                    @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        commands.changePlan(id, request.plan(), origin(correlationId));
        return ResponseEntity.noContent().build();
    }

    @ApiResponse(responseCode = "200", description = "The account with its flag")
    @PutMapping("/{id}/protection")
    @Operation(operationId = "changeAccountProtection",
               summary = "Set (accounts:write) or remove (accounts:admin) the protected flag, with a reason; protection "
                         + "sticks for the look-back after its removal")
    ResponseEntity<AccountResponse> changeProtection(@PathVariable UUID id,
                                                     @Valid @RequestBody ProtectionRequest request,
                                                     @RequestHeader(name = CORRELATION_HEADER, required = false)
                                                     @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        String needed = request.protectedAccount() ? Scopes.WRITE : Scopes.ADMIN;
        if (!actors.hasScope(needed)) {
            throw new AccessDeniedException((request.protectedAccount() ? "setting" : "removing")
                                            + " an account's protection needs " + needed);
        }
        commands.changeProtection(id, request.protectedAccount(), request.reason(), origin(correlationId));
        return ResponseEntity.ok(toResponse(history.currentState(id).orElseThrow(() -> notFound(id, null))));
    }

    @ApiResponse(responseCode = "204", description = "Recorded")
    @PostMapping("/{id}/activity")
    @Operation(operationId = "recordAccountActivity",
               summary = "Record that the account was seen in use (now, or at lastActivityAt)")
    ResponseEntity<Void> recordActivity(@PathVariable UUID id,
                                        @RequestBody(required = false) RecordActivityRequest request,
                                        @RequestHeader(name = CORRELATION_HEADER, required = false)
                                        @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        Instant at = request == null || request.lastActivityAt() == null ? clock.instant() : request.lastActivityAt();
        commands.recordActivity(id, at, origin(correlationId));
        return ResponseEntity.noContent().build();
    }

    @ApiResponse(responseCode = "202", description = "Requested (the account is quarantined a moment later), or "
                                                     + "waiting for a second person's approval",
                 headers = @Header(name = "Location", description = "The account's address",
                                    schema = @Schema(type = "string", format = "uri", maxLength = 2048)))
    @PostMapping("/{id}/deletion")
    @Operation(operationId = "requestAccountDeletion",
               summary = "Request deletion: the account is quarantined for the hold, then purged")
    ResponseEntity<DeletionResponse> requestDeletion(@PathVariable UUID id,
                                                     @Valid @RequestBody DeletionRequest request,
                                                     @RequestHeader(name = CORRELATION_HEADER, required = false)
                                                     @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        String waitsBecause = commands.requestDeletion(id, request.reason(), request.kind(), request.receivedAt(),
                                                       origin(correlationId));
        var location = ServletUriComponentsBuilder.fromCurrentContextPath().path("/accounts/{id}").buildAndExpand(id)
                                                  .toUri();
        return ResponseEntity.accepted().location(location)
                             .body(new DeletionResponse(id, waitsBecause == null, waitsBecause != null, waitsBecause));
    }

    @ApiResponse(responseCode = "202", description = "Approved: the deletion is requested")
    @PostMapping("/{id}/deletion/approve")
    @Operation(operationId = "approveAccountDeletion",
               summary = "A second admin (accounts:approve, not the requester) approves deleting a protected account")
    ResponseEntity<DeletionResponse> approveDeletion(@PathVariable UUID id,
                                                     @RequestHeader(name = CORRELATION_HEADER, required = false)
                                                     @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        commands.approveDeletion(id, origin(correlationId));
        return ResponseEntity.accepted().body(new DeletionResponse(id, true, false, null));
    }

    @ApiResponse(responseCode = "200", description = "Rejected: the account stays Active")
    @PostMapping("/{id}/deletion/reject")
    @Operation(operationId = "rejectAccountDeletion",
               summary = "A second admin (accounts:approve, not the requester) rejects deleting a protected account")
    ResponseEntity<AccountResponse> rejectDeletion(@PathVariable UUID id,
                                                   @Valid @RequestBody(required = false) ReasonRequest request,
                                                   @RequestHeader(name = CORRELATION_HEADER, required = false)
                                                   @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        commands.rejectDeletion(id, request == null ? null : request.reason(), origin(correlationId));
        return ResponseEntity.ok(toResponse(history.currentState(id).orElseThrow(() -> notFound(id, null))));
    }

    @ApiResponse(responseCode = "200",
                 description = "Cancelled: the account is Active again with all its data")
    @PostMapping("/{id}/deletion/cancel")
    @Operation(operationId = "cancelAccountDeletion",
               summary = "Cancel a deletion within the hold: the account is Active again with all its data")
    ResponseEntity<AccountResponse> cancelDeletion(@PathVariable UUID id,
                                                   @Valid @RequestBody ReasonRequest request,
                                                   @RequestHeader(name = CORRELATION_HEADER, required = false)
                                                   @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        commands.cancelDeletion(id, request.reason(), origin(correlationId));
        return ResponseEntity.ok(toResponse(history.currentState(id).orElseThrow(() -> notFound(id, null))));
    }

    @ApiResponse(responseCode = "202", description = "Asked: a second person (accounts:approve) must approve")
    @ApiResponse(responseCode = "409", description = "Not quarantined, under a legal hold, or already asked")
    @PostMapping("/{id}/deletion/expedite")
    @Operation(operationId = "expeditePurge",
               summary = "Ask to purge a quarantined account now rather than at the end of its hold (the person asked "
                         + "for immediate erasure); never while a legal hold covers it")
    ResponseEntity<AccountResponse> expedite(@PathVariable UUID id, @Valid @RequestBody ReasonRequest request,
                                             @RequestHeader(name = CORRELATION_HEADER, required = false)
                                             @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        commands.expeditePurge(id, request.reason(), origin(correlationId));
        return ResponseEntity.accepted()
                             .body(toResponse(history.currentState(id).orElseThrow(() -> notFound(id, null))));
    }

    @ApiResponse(responseCode = "202", description = "Approved: the account is purged in a moment (after a pause "
                                                     + "of purges, if one is on)")
    @ApiResponse(responseCode = "409", description = "Nothing waits, the requester approving their own request, or "
                                                     + "a legal hold covers the account")
    @PostMapping("/{id}/deletion/expedite/approve")
    @Operation(operationId = "approveExpeditedPurge",
               summary = "A second person (accounts:approve, not the requester) approves purging the account now")
    ResponseEntity<AccountResponse> approveExpedite(@PathVariable UUID id,
                                                    @RequestHeader(name = CORRELATION_HEADER, required = false)
                                                    @Size(max = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId) {
        commands.approveExpeditedPurge(id, origin(correlationId));
        return ResponseEntity.accepted()
                             .body(toResponse(history.currentState(id).orElseThrow(() -> notFound(id, null))));
    }

    private Origin origin(String correlationId) {
        return Origin.of(actors.currentActor(), correlationId);
    }

    private AccountResponse toResponse(AccountState state) {
        return exports.response(state);
    }

    private AccountEventResponse toResponse(DomainEventMessage<?> event) {
        return exports.event(event);
    }

    private static AggregateNotFoundException notFound(UUID id, Instant asOf) {
        String message = asOf == null ? "No account " + id : "No account " + id + " existed at " + asOf;
        return new AggregateNotFoundException(id.toString(), message);
    }
}
