package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/** A batch that waited for approval longer than {@code account.deletion.approval-ttl} expires: nothing is deleted. */
public record ExpireDeletionBatchCommand(@TargetAggregateIdentifier UUID batchId) {
}
