package io.accountlifecycle.projections.http;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.api.PendingPurgeView;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.projections.summary.AccountSummaries;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

/** What is about to be purged, for admins: a query over the account summary, served by the projections role. */
@RestController
@Validated
@Tag(name = "Purges", description = "What is about to be purged, and the emergency stop")
public class PendingPurgesController {

    private final AccountSummaries summaries;

    PendingPurgesController(AccountSummaries summaries) {
        this.summaries = summaries;
    }

    @GetMapping("/admin/purges/pending")
    @Operation(operationId = "listPendingPurges",
               summary = "Quarantined accounts with the time left before their purge, soonest first; filtered by "
                         + "plan, requester and batch (or operation) where given")
    PageView<PendingPurgeView> pending(@RequestParam(required = false) Plan plan,
                                       @RequestParam(required = false) @Size(max = Limits.MAX_ACTOR_LENGTH)
                                       String requestedBy,
                                       @RequestParam(required = false) UUID batchId,
                                       @RequestParam(defaultValue = "0") @Min(0) int page,
                                       @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        return summaries.pendingPurges(plan, requestedBy, batchId, page, size);
    }
}
