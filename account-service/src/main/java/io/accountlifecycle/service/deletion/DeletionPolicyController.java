package io.accountlifecycle.service.deletion;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.http.ReasonRequest;
import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.UUID;

/** What waits for a second person, and undo by operation. */
@RestController
@Tag(name = "Deletion policy", description = "Approvals waiting for a second person; undo a whole operation")
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class DeletionPolicyController {

    private final DeletionApprovals approvals;
    private final DeletionOperations operations;
    private final ActorResolver actors;

    DeletionPolicyController(DeletionApprovals approvals, DeletionOperations operations, ActorResolver actors) {
        this.approvals = approvals;
        this.operations = operations;
        this.actors = actors;
    }


    @Schema(name = "DeletionOperationCancel")
    record Cancel(UUID previewToken, @Size(max = Limits.MAX_REASON_LENGTH) String reason) {
    }

    /** What waits for a second person, oldest first (the oldest thousand). */
    @Schema(name = "WaitingApprovals")
    record WaitingList(@ArraySchema(maxItems = DeletionApprovals.MAX_LISTED) List<DeletionApprovals.Waiting> items) {
    }

    @GetMapping("/admin/deletion-approvals")
    @Operation(operationId = "listWaitingApprovals",
               summary = "What waits for a second person's approval — single requests, batches, operations — with "
                         + "requester, accounts, value at risk, age and expiry, oldest first")
    WaitingList waiting() {
        return new WaitingList(approvals.waiting());
    }

    @PostMapping("/admin/deletion-approvals/{operationId}/approve")
    @ApiResponse(responseCode = "404", description = "Nothing waits under this id (decided, expired or unknown)")
    @ApiResponse(responseCode = "409", description = "It changed or expired meanwhile")
    @ApiResponse(responseCode = "200", description = "Approved: the deletions go ahead")
    @Operation(operationId = "approveWaitingApproval",
               summary = "Approve a waiting request, batch or operation as a whole (accounts:approve, not the "
                         + "requester; refused once expired)")
    DeletionApprovals.Decided approve(@PathVariable UUID operationId) {
        return approvals.approve(operationId, Origin.of(actors.currentActor()));
    }

    @PostMapping("/admin/deletion-approvals/{operationId}/reject")
    @ApiResponse(responseCode = "404", description = "Nothing waits under this id (decided, expired or unknown)")
    @ApiResponse(responseCode = "409", description = "It changed or expired meanwhile")
    @ApiResponse(responseCode = "200", description = "Rejected: nothing is deleted")
    @Operation(operationId = "rejectWaitingApproval",
               summary = "Reject a waiting request, batch or operation as a whole (accounts:approve, not the "
                         + "requester)")
    DeletionApprovals.Decided reject(@PathVariable UUID operationId, @Valid @RequestBody(required = false) ReasonRequest body) {
        return approvals.reject(operationId, body == null ? null : body.reason(), Origin.of(actors.currentActor()));
    }

    @PostMapping("/admin/deletion-operations/preview")
    @Operation(operationId = "previewDeletionOperation",
               summary = "Dry run of an operation undo: the accounts still in the hold of the matching requests "
                         + "(requestedBy, from, to, optional correlationId, batchId), those already purged, and a "
                         + "token bound to that set; nothing changes")
    DeletionOperations.Preview preview(@RequestBody DeletionOperations.Criteria criteria) {
        return operations.preview(criteria, actors.currentActor());
    }

    @PostMapping("/admin/deletion-operations/cancel")
    @ApiResponse(responseCode = "409", description = "The previewed set changed, or the token expired or was used")
    @ApiResponse(responseCode = "200", description = "Restored: the accounts are Active again with all their data")
    @Operation(operationId = "cancelDeletionOperation",
               summary = "Restore exactly the previewed set in one action (409 if it changed, or the token expired "
                         + "or was used)")
    DeletionOperations.Cancelled cancel(@Valid @RequestBody Cancel body) {
        if (body == null || body.previewToken() == null) {
            throw new InvalidCriteriaException("previewToken is required");
        }
        return operations.cancel(body.previewToken(), body.reason(), actors.currentActor());
    }
}
