package io.accountlifecycle.service.account.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;

/**
 * Body of {@code PUT /accounts/{id}/protection}: the flag and why. Setting it needs {@code accounts:write}, removing it
 * {@code accounts:admin}; protection sticks for the look-back after it is removed.
 */
public record ProtectionRequest(@NotNull @JsonProperty("protected") Boolean protectedAccount, String reason) {
}
