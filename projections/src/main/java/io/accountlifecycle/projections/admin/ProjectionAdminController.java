package io.accountlifecycle.projections.admin;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.PageView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/admin/projections")
@Validated
@Tag(name = "Projections", description = "Rebuild read models from the event store; parked events")
public class ProjectionAdminController {

    /** More than the projections the code has. */
    static final int MAX_PROJECTIONS = 50;

    private final ProjectionAdmin admin;

    ProjectionAdminController(ProjectionAdmin admin) {
        this.admin = admin;
    }

    @GetMapping
    @Operation(operationId = "listProjections",
               summary = "Every projection: running, replaying, caught up, position, parked events")
    @ApiResponse(responseCode = "200", description = "One entry per projection (a handful, fixed by the code)",
                 content = @Content(array = @ArraySchema(maxItems = MAX_PROJECTIONS,
                                                         schema = @Schema(implementation = ProjectionStatusView.class))))
    List<ProjectionStatusView> all() {
        return admin.statuses();
    }

    @GetMapping("/{name}")
    @ApiResponse(responseCode = "404", description = "No such projection")
    @ApiResponse(responseCode = "200", description = "The projection's status")
    @Operation(operationId = "getProjection",
               summary = "One projection's status")
    ProjectionStatusView one(@PathVariable @Size(max = Limits.MAX_NAME_LENGTH) String name) {
        return admin.status(name);
    }

    @PostMapping("/{name}/replay")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ApiResponse(responseCode = "404", description = "No such projection")
    @ApiResponse(responseCode = "409", description = "It is replaying already")
    @Operation(operationId = "replayProjection",
               summary = "Rebuild the projection from the first event while the service keeps serving; "
                         + "follow it with GET /admin/projections/{name}")
    ProjectionStatusView replay(@PathVariable @Size(max = Limits.MAX_NAME_LENGTH) String name) {
        return admin.replay(name);
    }

    @GetMapping("/{name}/dead-letters")
    @ApiResponse(responseCode = "404", description = "No such projection")
    @ApiResponse(responseCode = "200", description = "A page of parked events")
    @Operation(operationId = "listProjectionDeadLetters",
               summary = "Events the projection could not apply, parked with the rest of their account's events")
    PageView<DeadLetterView> deadLetters(@PathVariable @Size(max = Limits.MAX_NAME_LENGTH) String name,
                                         @RequestParam(defaultValue = "0") @Min(0) int page,
                                         @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        return admin.deadLetters(name, page, size);
    }

    @PostMapping("/{name}/dead-letters/retry")
    @ApiResponse(responseCode = "404", description = "No such projection")
    @ApiResponse(responseCode = "200", description = "How many accounts were released and how many are still parked")
    @Operation(operationId = "retryProjectionDeadLetters",
               summary = "Apply the parked events again; accounts that still fail stay parked")
    ProjectionAdmin.RetryResult retry(@PathVariable @Size(max = Limits.MAX_NAME_LENGTH) String name) {
        return admin.retryDeadLetters(name);
    }
}
