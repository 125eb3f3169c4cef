package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** A second person approves an expedited purge: the purge saga purges at once. */
public record ApprovePurgeExpediteCommand(@TargetAggregateIdentifier UUID accountId, String approvedBy) {
}
