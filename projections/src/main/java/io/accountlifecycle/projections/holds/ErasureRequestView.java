package io.accountlifecycle.projections.holds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An open erasure request (the person's own request to be erased), by deadline.
 *
 * @param status         AWAITING_APPROVAL (a protected account), REQUESTED, QUARANTINED, BLOCKED_BY_LEGAL_HOLD, or
 *                       OVERDUE (its deadline passed and it is not purged)
 * @param purgeBlockedBy the legal holds in force on the account
 * @param explanation    why a blocked request is not erased
 */
@Schema(name = "ErasureRequest")
public record ErasureRequestView(UUID accountId, Instant receivedAt, Instant deadline, Instant extendedUntil,
                                 @Schema(allowableValues = {"AWAITING_APPROVAL", "REQUESTED", "QUARANTINED",
                                                            "BLOCKED_BY_LEGAL_HOLD", "OVERDUE"}) String status,
                                 @ArraySchema(maxItems = Limits.MAX_LEGAL_HOLDS_PER_ACCOUNT) List<UUID> purgeBlockedBy,
                                 Instant purgeDueAt,
                                 @JsonInclude(JsonInclude.Include.NON_NULL)
                                 @Schema(maxLength = Limits.MAX_GENERATED_TEXT_LENGTH) String explanation) {

    public static final String AWAITING_APPROVAL = "AWAITING_APPROVAL";
    public static final String REQUESTED = "REQUESTED";
    public static final String QUARANTINED = "QUARANTINED";
    public static final String BLOCKED_BY_LEGAL_HOLD = "BLOCKED_BY_LEGAL_HOLD";
    public static final String OVERDUE = "OVERDUE";
}
