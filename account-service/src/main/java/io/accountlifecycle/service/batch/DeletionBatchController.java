package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.projections.batches.DeletionBatchQueries;
import io.accountlifecycle.projections.batches.DeletionBatchView;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.deletion.DeletionPolicy;
import io.accountlifecycle.service.deletion.InvalidCriteriaException;
import io.accountlifecycle.service.http.ReasonRequest;
import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

@RestController
@RequestMapping("/admin/deletion-batches")
@Tag(name = "Deletion batches", description = "Bulk deletion: dry run, execute what was previewed, approve, undo")
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class DeletionBatchController {

    private final DeletionBatches batches;
    private final DeletionBatchQueries views;
    private final DeletionPolicy policy;
    private final ActorResolver actors;

    DeletionBatchController(DeletionBatches batches, DeletionBatchQueries views, DeletionPolicy policy,
                            ActorResolver actors) {
        this.batches = batches;
        this.views = views;
        this.policy = policy;
        this.actors = actors;
    }

    @Schema(name = "DeletionBatchExecution")
    record Execute(UUID previewToken, @Size(max = Limits.MAX_REASON_LENGTH) String reason) {
    }

    /** The batch's state after a second admin's decision. */
    @Schema(name = "DeletionBatchDecision")
    record Decision(UUID batchId, DeletionBatchState state) {
    }


    @PostMapping("/preview")
    @Operation(operationId = "previewDeletionBatch",
               summary = "Dry run: the exact accounts the criteria select, counts by plan, monthly value at risk, "
                         + "the protected ones left out and why, and a token bound to that set; nothing changes")
    DeletionBatches.Preview preview(@RequestBody DeletionBatches.Criteria criteria) {
        return batches.preview(criteria, actors.currentActor());
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "201", description = "Created: executing, or waiting for a second admin")
    @ApiResponse(responseCode = "409", description = "The previewed set changed, or the token expired or was used")
    @Operation(operationId = "createDeletionBatch",
               summary = "Delete exactly the previewed set (409 if it changed or the token expired)")
    DeletionBatches.Created execute(@Valid @RequestBody Execute body) {
        if (body == null || body.previewToken() == null) {
            throw new InvalidCriteriaException("previewToken is required");
        }
        return batches.execute(body.previewToken(), body.reason(), actors.currentActor());
    }

    @GetMapping("/{id}")
    @ApiResponse(responseCode = "404", description = "No such batch")
    @ApiResponse(responseCode = "200", description = "The batch")
    @Operation(operationId = "getDeletionBatch",
               summary = "The batch's state and its accounts counted by status")
    DeletionBatchView batch(@PathVariable UUID id) {
        return views.batch(id).orElseThrow(() -> new AggregateNotFoundException(id.toString(),
                                                                                "No deletion batch " + id));
    }

    @PostMapping("/{id}/cancel")
    @ApiResponse(responseCode = "404", description = "No such batch")
    @ApiResponse(responseCode = "409", description = "The batch cannot be cancelled in its state")
    @ApiResponse(responseCode = "200", description = "Cancelled: every account still in its hold is Active again")
    @Operation(operationId = "cancelDeletionBatch",
               summary = "Undo the batch: every account still in its hold is Active again with all its data")
    DeletionBatches.Cancelled cancel(@PathVariable UUID id,
                                     @Valid @RequestBody(required = false) ReasonRequest body) {
        return batches.cancel(id, body == null ? null : body.reason(), actors.currentActor());
    }

    @PostMapping("/{id}/approve")
    @ApiResponse(responseCode = "404", description = "No such batch")
    @ApiResponse(responseCode = "409", description = "The batch does not wait for approval")
    @ApiResponse(responseCode = "200", description = "Approved: the batch goes ahead")
    @Operation(operationId = "approveDeletionBatch",
               summary = "A second admin (accounts:approve, not the requester) lets a large batch go ahead")
    Decision approve(@PathVariable UUID id) {
        String actor = actors.currentActor();
        policy.approveBatch(id, Origin.of(actor).inBatch(id));
        return new Decision(id, DeletionBatchState.IN_PROGRESS);
    }

    @PostMapping("/{id}/reject")
    @ApiResponse(responseCode = "404", description = "No such batch")
    @ApiResponse(responseCode = "409", description = "The batch does not wait for approval")
    @ApiResponse(responseCode = "200", description = "Rejected: nothing is deleted")
    @Operation(operationId = "rejectDeletionBatch",
               summary = "A second admin (accounts:approve, not the requester) refuses a large batch")
    Decision reject(@PathVariable UUID id, @Valid @RequestBody(required = false) ReasonRequest body) {
        String actor = actors.currentActor();
        policy.rejectBatch(id, body == null ? null : body.reason(), Origin.of(actor).inBatch(id));
        return new Decision(id, DeletionBatchState.REJECTED);
    }
}
