package io.accountlifecycle.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Place legal hold {@code holdId} on the accounts listed (the criteria, if any, already resolved into the list).
 *
 * @param criteria the criteria as the requester gave them (JSON), kept for the record; null for a plain list
 * @param endsAt   when the hold ends by itself; null: until released
 */
public record PlaceLegalHoldCommand(@TargetAggregateIdentifier UUID holdId, String matter, String reason,
                                    List<UUID> accountIds, String criteria, String placedBy, Instant endsAt) {
}
