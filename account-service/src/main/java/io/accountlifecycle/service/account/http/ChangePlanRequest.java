package io.accountlifecycle.service.account.http;

import io.accountlifecycle.api.Plan;
import jakarta.validation.constraints.NotNull;

/** Body of {@code PUT /accounts/{id}/plan}. */
public record ChangePlanRequest(@NotNull Plan plan) {
}
