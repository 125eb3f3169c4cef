package io.accountlifecycle.service.account.http;

import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;

import java.time.Instant;

/**
 * A deletion request: why, and what kind. An {@code ERASURE} is the person's own request to be erased; its purge
 * happens no later than {@code receivedAt} plus {@code account.erasure.deadline}, a pause of purges notwithstanding.
 */
public record DeletionRequest(@Size(max = Limits.MAX_REASON_LENGTH)
                              @Schema(description = "Why, in words a later reader understands",
                                      example = "customer asked")
                              String reason,
                              @Schema(description = "STANDARD (default) or ERASURE (the data subject's own request)")
                              DeletionKind kind,
                              @Schema(description = "For an ERASURE: when the person asked (ISO-8601, not in the "
                                                    + "future; default now). The legal deadline runs from it")
                              Instant receivedAt) {
}
