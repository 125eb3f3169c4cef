package io.accountlifecycle.projections.holds;

import io.accountlifecycle.api.PageView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.util.UUID;

/**
 * Legal holds and open erasure requests, for the people who decide on them: queries over the read models, served by
 * the projections role (a moment behind the commands that change them).
 */
@RestController
@Validated
@Tag(name = "Legal holds", description = "Keep accounts' data whatever deletion is asked for, while a matter lasts")
public class LegalHoldsController {

    private final LegalHoldQueries queries;

    public LegalHoldsController(LegalHoldQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/admin/legal-holds")
    @ApiResponse(responseCode = "200", description = "A page of legal holds, newest first")
    @Operation(operationId = "listLegalHolds",
               summary = "Legal holds, newest first (accounts:legal or accounts:admin); inForce=true for those in force")
    PageView<LegalHoldView> holds(@RequestParam(defaultValue = "false") boolean inForce,
                                  @RequestParam(defaultValue = "0") @Min(0) int page,
                                  @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        return queries.holds(inForce, page, size);
    }

    @GetMapping("/admin/legal-holds/{id}")
    @ApiResponse(responseCode = "200", description = "The hold, with the accounts it listed and those it covers now")
    @ApiResponse(responseCode = "404", description = "No such hold (or not projected yet)")
    @Operation(operationId = "getLegalHold", summary = "One legal hold with its accounts")
    LegalHoldView hold(@PathVariable UUID id) {
        return queries.hold(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                                                                              "No legal hold " + id));
    }

    @GetMapping("/admin/erasure-requests")
    @ApiResponse(responseCode = "200", description = "A page of open erasure requests, soonest deadline first")
    @Tag(name = "Erasure requests")
    @Operation(operationId = "listErasureRequests",
               summary = "Open erasure requests by deadline, with what blocks their purge (accounts:admin)")
    PageView<ErasureRequestView> erasureRequests(@RequestParam(defaultValue = "0") @Min(0) int page,
                                                 @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        return queries.erasureRequests(page, size);
    }
}
