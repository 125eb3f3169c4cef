package io.accountlifecycle.service.account;

import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.service.command.Origin;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** The deletion policy as the aggregate sees it in unit tests: only whether the breaker is open, and protection. */
final class Breaker implements DeletionSafeguards {

    boolean open;

    @Override
    public String requestDeletion(UUID accountId, String reason, DeletionKind kind, Instant receivedAt,
                                  Origin origin) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void approveDeletion(UUID accountId, Origin origin) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void rejectDeletion(UUID accountId, String reason, Origin origin) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean breakerOpen() {
        return open;
    }

    @Override
    public String protectedReason(AccountState state) {
        return state.protectedSince(Set.of(Plan.ENTERPRISE), Instant.now().minusSeconds(3600));
    }
}
