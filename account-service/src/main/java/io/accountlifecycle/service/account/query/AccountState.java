package io.accountlifecycle.service.account.query;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.SealedValue;

import java.time.Instant;
import java.util.UUID;

/**
 * An account's state at one point of its history, personal fields still sealed.
 *
 * @param version   the sequence number of the last event folded in (0 after opening)
 * @param updatedAt the timestamp of that event
 */
public record AccountState(UUID accountId,
                           AccountStatus status,
                           SealedValue email,
                           SealedValue displayName,
                           Plan plan,
                           boolean protectedAccount,
                           Instant openedAt,
                           Instant lastActivityAt,
                           long version,
                           Instant updatedAt,
                           Instant purgeDueAt) {

    static AccountState opened(UUID accountId, SealedValue email, SealedValue displayName, Plan plan,
                               boolean protectedAccount, long version, Instant at) {
        return new AccountState(accountId, AccountStatus.ACTIVE, email, displayName, plan, protectedAccount, at, null,
                                version, at, null);
    }

    AccountState withStatus(AccountStatus newStatus, Instant newPurgeDueAt) {
        return new AccountState(accountId, newStatus, email, displayName, plan, protectedAccount, openedAt,
                                lastActivityAt, version, updatedAt, newPurgeDueAt);
    }

    AccountState withProfile(SealedValue newEmail, SealedValue newDisplayName) {
        return new AccountState(accountId, status, newEmail != null ? newEmail : email,
                                newDisplayName != null ? newDisplayName : displayName, plan, protectedAccount,
                                openedAt, lastActivityAt, version, updatedAt, purgeDueAt);
    }

    AccountState withPlan(Plan newPlan) {
        return new AccountState(accountId, status, email, displayName, newPlan, protectedAccount, openedAt,
                                lastActivityAt, version, updatedAt, purgeDueAt);
    }

    AccountState withLastActivityAt(Instant newLastActivityAt) {
        return new AccountState(accountId, status, email, displayName, plan, protectedAccount, openedAt,
                                newLastActivityAt, version, updatedAt, purgeDueAt);
    }

    AccountState at(long newVersion, Instant at) {
        return new AccountState(accountId, status, email, displayName, plan, protectedAccount, openedAt,
                                lastActivityAt, newVersion, at, purgeDueAt);
    }
}
