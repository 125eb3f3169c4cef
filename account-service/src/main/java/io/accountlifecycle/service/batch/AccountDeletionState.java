package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.service.account.query.AccountHistory;
import org.axonframework.eventhandling.DomainEventMessage;

import java.util.UUID;

/**
 * Where one account stands with deletion, from its own events (the source of truth, not a projection): so a batch
 * sends only commands that will succeed, and a failing command never spoils the batch's transaction.
 */
record AccountDeletionState(boolean exists, AccountStatus status, boolean deletionRequested) {

    static AccountDeletionState of(AccountHistory history, UUID accountId) {
        boolean exists = false;
        AccountStatus status = null;
        boolean requested = false;
        for (DomainEventMessage<?> event : history.events(accountId)) {
            Object payload = event.getPayload();
            if (payload instanceof AccountOpenedEvent) {
                exists = true;
                status = AccountStatus.ACTIVE;
            } else if (payload instanceof AccountDeletionRequestedEvent) {
                requested = true;
            } else if (payload instanceof AccountQuarantinedEvent) {
                status = AccountStatus.QUARANTINED;
            } else if (payload instanceof AccountDeletionCancelledEvent) {
                status = AccountStatus.ACTIVE;
                requested = false;
            } else if (payload instanceof AccountPurgedEvent) {
                status = AccountStatus.PURGED;
                requested = false;
            }
        }
        return new AccountDeletionState(exists, status, requested);
    }

    boolean deletable() {
        return exists && status == AccountStatus.ACTIVE && !deletionRequested;
    }

    boolean inHold() {
        return status == AccountStatus.QUARANTINED || (status == AccountStatus.ACTIVE && deletionRequested);
    }
}
