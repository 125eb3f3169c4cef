package io.accountlifecycle.service.account.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.accountlifecycle.api.Plan;
import jakarta.validation.constraints.NotNull;

import java.util.UUID;

/** Body of {@code POST /accounts}; the email and display name rules are the aggregate's. */
public record OpenAccountRequest(@NotNull UUID accountId,
                                 String email,
                                 String displayName,
                                 @NotNull Plan plan,
                                 @JsonProperty("protected") Boolean protectedAccount) {
}
