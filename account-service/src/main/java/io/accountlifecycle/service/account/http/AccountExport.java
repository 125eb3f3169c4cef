package io.accountlifecycle.service.account.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.accountlifecycle.api.Limits;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An account's data in a structured, machine-readable document (GDPR Art. 20): its state now and its full history,
 * personal fields opened. A purged account's export says so and when, and holds no personal data: the fields whose
 * key was destroyed are null.
 *
 * @param format    {@code account-export/1}
 * @param purgedAt  when the account was purged, or absent
 */
@Schema(name = "AccountExport")
public record AccountExport(@Schema(maxLength = Limits.MAX_NAME_LENGTH) String format,
                            UUID accountId,
                            Instant exportedAt,
                            @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String exportedBy,
                            boolean purged,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Instant purgedAt,
                            AccountResponse account,
                            @ArraySchema(maxItems = Limits.MAX_EXPORT_EVENTS) List<AccountEventResponse> history) {

    public static final String FORMAT = "account-export/1";
}
