package io.accountlifecycle.service.account;

import java.time.Instant;
import java.util.UUID;

/** The account is in its deletion hold: only cancelling the deletion is allowed until {@code purgeDueAt}. */
public class AccountQuarantinedException extends RuntimeException {

    private final Instant purgeDueAt;

    public AccountQuarantinedException(UUID accountId, Instant purgeDueAt) {
        super("Account " + accountId + " is quarantined for deletion until " + purgeDueAt
              + "; only cancelling the deletion is possible");
        this.purgeDueAt = purgeDueAt;
    }

    public Instant purgeDueAt() {
        return purgeDueAt;
    }
}
