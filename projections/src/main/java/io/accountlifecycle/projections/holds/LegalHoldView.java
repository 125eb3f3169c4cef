package io.accountlifecycle.projections.holds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A legal hold as admins see it.
 *
 * @param status      IN_FORCE, ENDED (its end date passed) or RELEASED
 * @param accounts    how many accounts it listed when placed
 * @param accountIds  the accounts it listed (on {@code GET /admin/legal-holds/{id}} only)
 * @param covered     of those, the ones that record the hold now (released: none)
 */
@Schema(name = "LegalHold")
public record LegalHoldView(UUID holdId,
                            @Schema(maxLength = Limits.MAX_REASON_LENGTH) String matter,
                            @Schema(maxLength = Limits.MAX_REASON_LENGTH) String reason,
                            @Schema(maxLength = Limits.MAX_GENERATED_TEXT_LENGTH) String criteria,
                            @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String placedBy,
                            Instant placedAt, Instant endsAt,
                            @Schema(allowableValues = {"IN_FORCE", "ENDED", "RELEASED"}) String status,
                            Instant releasedAt,
                            @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String releasedBy,
                            @Schema(maxLength = Limits.MAX_REASON_LENGTH) String releaseReason, int accounts,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<UUID> accountIds,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<UUID> covered) {
}
