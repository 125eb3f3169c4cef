package io.accountlifecycle.service.account.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.Plan;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;

import java.util.UUID;

/** Body of {@code POST /accounts}; the email and display name rules are the aggregate's. */
public record OpenAccountRequest(@NotNull UUID accountId,
                                 @Schema(format = "email", maxLength = Limits.MAX_EMAIL_LENGTH, example = "ada@example.com",
                                         description = "One @, no spaces, a dot in the domain")
                                 String email,
                                 @Schema(maxLength = Limits.MAX_DISPLAY_NAME_LENGTH, example = "Ada Lovelace",
                                         description = "Not blank, no control characters")
                                 String displayName,
                                 @NotNull Plan plan,
                                 @JsonProperty("protected")
                                 @Schema(description = "Deleting a protected account needs a second person's approval")
                                 Boolean protectedAccount) {
}
