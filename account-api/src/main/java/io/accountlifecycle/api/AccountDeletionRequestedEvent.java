package io.accountlifecycle.api;

import java.time.Instant;
import java.util.UUID;

/**
 * Someone asked for the account to be deleted; starts the purge saga.
 *
 * @param kind            {@code STANDARD} or {@code ERASURE}; null in events stored before kinds existed (standard)
 * @param receivedAt      for an erasure, when the person asked (the deadline runs from it); else null
 * @param erasureDeadline for an erasure, the latest instant its purge may happen unless extended; else null
 */
public record AccountDeletionRequestedEvent(UUID accountId, String reason, String requestedBy, DeletionKind kind,
                                            Instant receivedAt, Instant erasureDeadline) {

    public AccountDeletionRequestedEvent(UUID accountId, String reason, String requestedBy) {
        this(accountId, reason, requestedBy, null, null, null);
    }

    public boolean erasure() {
        return kind == DeletionKind.ERASURE;
    }
}
