package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** Move an account to another plan; sent by product services (billing). */
public record ChangeAccountPlanCommand(@TargetAggregateIdentifier UUID accountId, Plan plan) {
}
