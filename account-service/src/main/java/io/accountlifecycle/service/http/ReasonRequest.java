package io.accountlifecycle.service.http;

import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;

/**
 * A body that says why: a deletion, a cancel, a decision, a pause or a reset (the actor comes from the token).
 * Where the reason is required, a blank one is refused with the rule that needs it.
 */
public record ReasonRequest(@Size(max = Limits.MAX_REASON_LENGTH)
                            @Schema(description = "Why, in words a later reader understands", example = "customer asked")
                            String reason) {
}
