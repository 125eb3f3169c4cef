package io.accountlifecycle.service.account;

import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent;
import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRejectedEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPlanChangedEvent;
import io.accountlifecycle.api.AccountProfileUpdatedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.SealedValue;
import org.axonframework.eventhandling.DomainEventMessage;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * An account's lifecycle at one point of its history, and the one fold that gets there: {@link #after} is the only
 * place an account event changes an account. The aggregate decides on it, {@code GET /accounts/{id}} shows it, a
 * deletion batch checks its chunk with it and a restore finds the deletions under way with it — a new lifecycle event
 * is taught here once. Personal fields stay sealed.
 *
 * @param status            null until the account is opened ({@link #exists()})
 * @param version           the sequence number of the last event folded in (0 after opening)
 * @param updatedAt         the timestamp of that event
 * @param deletionRequested a deletion was requested (and not cancelled): the saga quarantines or has quarantined
 * @param deletionRequestedAt when the current deletion request was stored
 * @param approval          a deletion of this (protected) account waiting for a second admin, or null
 * @param requestBatch      the deletion batch whose request is the current one (null: a single request); kept after
 *                          the purge, so a batch knows which purges were its own
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
                           Instant purgeDueAt,
                           boolean deletionRequested,
                           Instant deletionRequestedAt,
                           PendingApproval approval,
                           UUID requestBatch) {

    /** Who asked for the deletion that waits for approval, and why. */
    public record PendingApproval(String requestedBy, String reason) {
    }

    /** Before the first event: no account. */
    public static final AccountState NONE = new AccountState(null, null, null, null, null, false, null, null, -1, null,
                                                             null, false, null, null, null);

    /**
     * Events that only change personal fields or the last-seen instant: a reader that needs the lifecycle alone (status,
     * plan, protection, deletion) may leave them out of its query. Every other event type, a new one included, must
     * be read.
     */
    public static final Set<Class<?>> PROFILE_ONLY_EVENTS = Set.of(AccountProfileUpdatedEvent.class,
                                                                   AccountActivityRecordedEvent.class);

    /**
     * Events after which an account whose history holds nothing else is active, with no deletion under way or waiting
     * for approval: a reader looking for deletions may pass such accounts over. Any other event type, a new one
     * included, makes the account one to fold.
     */
    public static final Set<Class<?>> NO_DELETION_EVENTS = Set.of(AccountOpenedEvent.class,
                                                                  AccountProfileUpdatedEvent.class,
                                                                  AccountPlanChangedEvent.class,
                                                                  AccountActivityRecordedEvent.class);

    /**
     * The part of the state a reader that leaves out {@link #PROFILE_ONLY_EVENTS} still gets exactly right: status,
     * plan, protection and deletion, without personal fields, activity or version.
     */
    public record Lifecycle(UUID accountId, AccountStatus status, Plan plan, boolean protectedAccount,
                            Instant purgeDueAt, boolean deletionRequested, Instant deletionRequestedAt,
                            PendingApproval approval, UUID requestBatch) {
    }

    public Lifecycle lifecycle() {
        return new Lifecycle(accountId, status, plan, protectedAccount, purgeDueAt, deletionRequested,
                             deletionRequestedAt, approval, requestBatch);
    }

    public boolean exists() {
        return status != null;
    }

    public boolean awaitingApproval() {
        return approval != null;
    }

    /**
     * The state after a stored event: its payload, sequence number, timestamp and, for a deletion request, the batch
     * in its metadata (read only there: a stored event's metadata is deserialized on first use, and a rebuild of a
     * long history would pay for it on every event).
     */
    public AccountState after(DomainEventMessage<?> event) {
        Object payload = event.getPayload();
        UUID batch = payload instanceof AccountDeletionRequestedEvent
                     ? batchOf(event.getMetaData().get(MetaDataKeys.BATCH_ID)) : null;
        return after(payload, event.getSequenceNumber(), event.getTimestamp(), batch);
    }

    /** A batch id the service wrote; anything else in that key names no batch (an account must always load). */
    private static UUID batchOf(Object value) {
        try {
            return value == null ? null : UUID.fromString(value.toString());
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }

    /**
     * The transition: this state, then {@code event} stored as number {@code sequence} at {@code at}, in deletion
     * batch {@code batchId} (or none; only a deletion request's batch is kept). Nothing precedes the opening: an event
     * before it is ignored rather than inventing an account; an event of a type the lifecycle does not know still
     * counts as a version.
     */
    public AccountState after(Object event, long sequence, Instant at, UUID batchId) {
        if (event instanceof AccountOpenedEvent e) {
            return new AccountState(e.accountId(), AccountStatus.ACTIVE, e.email(), e.displayName(), e.plan(),
                                    e.protectedAccount(), at, null, sequence, at, null, false, null, null, null);
        }
        if (!exists()) {
            return this;
        }
        AccountStatus status = this.status;
        SealedValue email = this.email;
        SealedValue displayName = this.displayName;
        Plan plan = this.plan;
        Instant lastActivityAt = this.lastActivityAt;
        Instant purgeDueAt = this.purgeDueAt;
        boolean deletionRequested = this.deletionRequested;
        Instant deletionRequestedAt = this.deletionRequestedAt;
        PendingApproval approval = this.approval;
        UUID requestBatch = this.requestBatch;
        if (event instanceof AccountProfileUpdatedEvent e) {
            email = e.email() != null ? e.email() : email;
            displayName = e.displayName() != null ? e.displayName() : displayName;
        } else if (event instanceof AccountPlanChangedEvent e) {
            plan = e.plan();
        } else if (event instanceof AccountActivityRecordedEvent e) {
            lastActivityAt = e.lastActivityAt();
        } else if (event instanceof AccountDeletionApprovalRequestedEvent e) {
            approval = new PendingApproval(e.requestedBy() == null ? "" : e.requestedBy(), e.reason());
            deletionRequested = false;
            deletionRequestedAt = null;
            requestBatch = null;
        } else if (event instanceof AccountDeletionRejectedEvent) {
            approval = null;
            deletionRequested = false;
            deletionRequestedAt = null;
            requestBatch = null;
        } else if (event instanceof AccountDeletionRequestedEvent) {
            approval = null;
            deletionRequested = true;
            deletionRequestedAt = at;
            requestBatch = batchId;
        } else if (event instanceof AccountQuarantinedEvent e) {
            status = AccountStatus.QUARANTINED;
            purgeDueAt = e.purgeDueAt();
            approval = null;
            deletionRequested = true;
        } else if (event instanceof AccountDeletionCancelledEvent) {
            status = AccountStatus.ACTIVE;
            purgeDueAt = null;
            approval = null;
            deletionRequested = false;
            deletionRequestedAt = null;
            requestBatch = null;
        } else if (event instanceof AccountPurgedEvent) {
            // The key is shredded with this event: what stays sealed here can never be opened again.
            status = AccountStatus.PURGED;
            email = null;
            displayName = null;
            purgeDueAt = null;
            approval = null;
            deletionRequested = false;
            deletionRequestedAt = null;
        }
        return new AccountState(accountId, status, email, displayName, plan, protectedAccount, openedAt, lastActivityAt,
                                sequence, at, purgeDueAt, deletionRequested, deletionRequestedAt, approval,
                                requestBatch);
    }

    /** Active, no deletion under way or awaiting approval, and not protected (by flag or by a protected plan). */
    public boolean deletableByBatch(Set<Plan> protectedPlans) {
        return status == AccountStatus.ACTIVE && !deletionRequested && approval == null && !protectedAccount
               && !protectedPlans.contains(plan);
    }

    /** Held (or about to be) because of deletion batch {@code batchId}'s request, not someone else's. */
    public boolean inHoldFor(UUID batchId) {
        return batchId.equals(requestBatch)
               && (status == AccountStatus.QUARANTINED || (status == AccountStatus.ACTIVE && deletionRequested));
    }

    /** Purged because of deletion batch {@code batchId}'s request. */
    public boolean purgedBy(UUID batchId) {
        return status == AccountStatus.PURGED && batchId.equals(requestBatch);
    }

    /** Requested for deletion and not yet quarantined: the saga's next step is the quarantine. */
    public boolean awaitingQuarantine() {
        return status == AccountStatus.ACTIVE && deletionRequested;
    }
}
