package io.accountlifecycle.service.account.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.accountlifecycle.api.Limits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code PUT /accounts/{id}/protection}: the flag and why. Setting it needs {@code accounts:write}, removing it
 * {@code accounts:admin}; protection sticks for the look-back after it is removed.
 */
public record ProtectionRequest(@NotNull @JsonProperty("protected") Boolean protectedAccount,
                                @Size(max = Limits.MAX_REASON_LENGTH) String reason) {
}
