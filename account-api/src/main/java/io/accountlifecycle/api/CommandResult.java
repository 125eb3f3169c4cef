package io.accountlifecycle.api;

import java.time.Instant;
import java.util.UUID;

/**
 * The outcome of one command, published on {@code account.command-results} keyed by {@code commandId}; the same
 * every time the command is delivered.
 *
 * @param reason why it was rejected, for a person to act on; null when accepted
 */
public record CommandResult(UUID commandId, UUID accountId, CommandStatus status, String reason,
                            Instant processedAt) {
}
