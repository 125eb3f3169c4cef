package io.accountlifecycle.service.account.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.UUID;

/**
 * Answer of a deletion request or approval: requested (the saga quarantines the account a moment later), or waiting
 * for a second person's approval and why.
 */
public record DeletionResponse(UUID accountId,
                               boolean deletionRequested,
                               boolean approvalRequired,
                               @JsonInclude(JsonInclude.Include.NON_NULL)
                               @Schema(maxLength = Limits.MAX_GENERATED_TEXT_LENGTH,
                                       description = "Why a second person must approve; only when approvalRequired")
                               String approvalReason) {
}
