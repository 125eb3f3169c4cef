package io.accountlifecycle.service.account;

import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.api.AccountDeletionApprovalExpiredEvent;
import io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent;
import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRejectedEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountErasureDeadlineExtendedEvent;
import io.accountlifecycle.api.AccountLegalHoldAppliedEvent;
import io.accountlifecycle.api.AccountLegalHoldLiftedEvent;
import io.accountlifecycle.api.AccountPurgeBlockedByHoldEvent;
import io.accountlifecycle.api.AccountPurgeExpediteRequestedEvent;
import io.accountlifecycle.api.AccountPurgeExpeditedEvent;
import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.api.ErasureRequest;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPlanChangedEvent;
import io.accountlifecycle.api.AccountProfileUpdatedEvent;
import io.accountlifecycle.api.AccountProtectionChangedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.SealedValue;
import org.axonframework.eventhandling.DomainEventMessage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param deletionRequestedAt when the current deletion request was stored (kept after the purge, with the request's
 *                          batch, actor and correlation, so an undo knows which operation purged it)
 * @param approval          a deletion of this (protected) account waiting for a second admin, or null
 * @param requestBatch      the deletion batch whose request is the current one (null: a single request); kept after
 *                          the purge, so a batch knows which purges were its own
 * @param requestedBy       who made the current (or, after the purge, the last) deletion request
 * @param requestCorrelation the correlation id of that request: with the actor, the operation it belonged to
 * @param protectionEndedAt when the protected flag was last removed (null: never)
 * @param plansLeftAt       for each plan the account has left, when it last did: protection by plan is judged on it
 * @param legalHolds        the legal holds recorded on the account, by hold id, with when each ends by itself (null:
 *                          until released); which of them are in force is a matter of time ({@link #holdsInForce})
 * @param erasure           the current deletion request is the person's own erasure request: when they asked, its
 *                          deadline and any extension; null for a standard request or none (kept after the purge)
 * @param purgeBlocked      the purge of the current quarantine fell due under a legal hold and that was recorded
 * @param expedite          a request to purge the quarantined account early, waiting for a second person, or null
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
                           UUID requestBatch,
                           String requestedBy,
                           String requestCorrelation,
                           Instant protectionEndedAt,
                           Map<Plan, Instant> plansLeftAt,
                           Map<UUID, HeldUntil> legalHolds,
                           Erasure erasure,
                           boolean purgeBlocked,
                           PendingApproval expedite) {

    /** This state without its personal fields (for an account purged since: their key is destroyed). */
    public AccountState withoutSealedValues() {
        return new AccountState(accountId, status, null, null, plan, protectedAccount, openedAt, lastActivityAt, version,
                                updatedAt, purgeDueAt, deletionRequested, deletionRequestedAt, approval, requestBatch,
                                requestedBy, requestCorrelation, protectionEndedAt, plansLeftAt, legalHolds, erasure,
                                purgeBlocked, expedite);
    }

    /**
     * Who asked for the deletion (or the early purge) that waits for a second person, why, and when; for a deletion,
     * the erasure request it would be, or null.
     */
    public record PendingApproval(String requestedBy, String reason, Instant requestedAt, ErasureRequest erasure) {

        public PendingApproval(String requestedBy, String reason, Instant requestedAt) {
            this(requestedBy, reason, requestedAt, null);
        }
    }

    /** When a legal hold on the account ends by itself; {@code endsAt} null: only its release ends it. */
    public record HeldUntil(String matter, Instant endsAt) {

        public boolean inForceAt(Instant now) {
            return endsAt == null || now.isBefore(endsAt);
        }
    }

    /**
     * An erasure request's dates: when the person asked, the legal deadline, and the extended one (or null).
     */
    public record Erasure(Instant receivedAt, Instant deadline, Instant extendedUntil) {

        /** The instant the purge must happen by: the extension if there is one, else the deadline. */
        public Instant effectiveDeadline() {
            return extendedUntil != null ? extendedUntil : deadline;
        }
    }

    /** Before the first event: no account. */
    public static final AccountState NONE = new AccountState(null, null, null, null, null, false, null, null, -1, null,
                                                             null, false, null, null, null, null, null, null,
                                                             Map.of(), Map.of(), null, false, null);

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
                                                                  AccountProtectionChangedEvent.class,
                                                                  AccountActivityRecordedEvent.class);

    /**
     * The part of the state a reader that leaves out {@link #PROFILE_ONLY_EVENTS} still gets exactly right: status,
     * plan, protection and deletion, without personal fields, activity or version.
     */
    public record Lifecycle(UUID accountId, AccountStatus status, Plan plan, boolean protectedAccount,
                            Instant purgeDueAt, boolean deletionRequested, Instant deletionRequestedAt,
                            PendingApproval approval, UUID requestBatch, String requestedBy,
                            String requestCorrelation, Instant protectionEndedAt, Map<Plan, Instant> plansLeftAt,
                            Map<UUID, HeldUntil> legalHolds, Erasure erasure, boolean purgeBlocked,
                            PendingApproval expedite) {
    }

    public Lifecycle lifecycle() {
        return new Lifecycle(accountId, status, plan, protectedAccount, purgeDueAt, deletionRequested,
                             deletionRequestedAt, approval, requestBatch, requestedBy, requestCorrelation,
                             protectionEndedAt, plansLeftAt, legalHolds, erasure, purgeBlocked, expedite);
    }

    /** The legal holds covering the account at {@code now}, oldest first: while any does, it is not purged. */
    public List<UUID> holdsInForce(Instant now) {
        return legalHolds.entrySet().stream().filter(h -> h.getValue().inForceAt(now)).map(Map.Entry::getKey)
                         .toList();
    }

    /**
     * When the holds in force at {@code now} will all have ended by themselves, or null when one of them lasts until
     * it is released (or none is in force).
     */
    public Instant holdsEndAt(Instant now) {
        Instant last = null;
        for (HeldUntil hold : legalHolds.values()) {
            if (hold.inForceAt(now)) {
                if (hold.endsAt() == null) {
                    return null;
                }
                last = last == null || hold.endsAt().isAfter(last) ? hold.endsAt() : last;
            }
        }
        return last;
    }

    /** The kind of the current (or, after the purge, the last) deletion request. */
    public DeletionKind deletionKind() {
        return erasure != null ? DeletionKind.ERASURE : DeletionKind.STANDARD;
    }

    public boolean exists() {
        return status != null;
    }

    public boolean awaitingApproval() {
        return approval != null;
    }

    /**
     * The state after a stored event: its payload, sequence number, timestamp and, for a deletion request, the batch
     * and correlation in its metadata (read only there: a stored event's metadata is deserialized on first use, and a
     * rebuild of a long history would pay for it on every event). The timestamp is kept to the millisecond (the store
     * keeps microseconds, written truncated: {@code PostgresEventStorageEngine#writeTimestamp}), so an event just
     * applied and the same event read from the store fold into the same state (the state a command leaves in memory
     * is kept for the next one: {@link AccountRepository}).
     */
    public AccountState after(DomainEventMessage<?> event) {
        Object payload = event.getPayload();
        Instant at = event.getTimestamp().truncatedTo(ChronoUnit.MILLIS);
        if (payload instanceof AccountDeletionRequestedEvent) {
            var metaData = event.getMetaData();
            Object correlation = metaData.get(MetaDataKeys.CORRELATION_ID);
            return after(payload, event.getSequenceNumber(), at, batchOf(metaData.get(MetaDataKeys.BATCH_ID)),
                         correlation == null ? null : correlation.toString());
        }
        return after(payload, event.getSequenceNumber(), at, null, null);
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
     * batch {@code batchId} and conversation {@code correlationId} (or none; only a deletion request's are kept).
     * Nothing precedes the opening: an event before it is ignored rather than inventing an account; an event of a type
     * the lifecycle does not know still counts as a version.
     */
    public AccountState after(Object event, long sequence, Instant at, UUID batchId, String correlationId) {
        if (event instanceof AccountOpenedEvent e) {
            return new AccountState(e.accountId(), AccountStatus.ACTIVE, e.email(), e.displayName(), e.plan(),
                                    e.protectedAccount(), at, null, sequence, at, null, false, null, null, null,
                                    null, null, null, Map.of(), Map.of(), null, false, null);
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
        String requestedBy = this.requestedBy;
        String requestCorrelation = this.requestCorrelation;
        boolean protectedAccount = this.protectedAccount;
        Instant protectionEndedAt = this.protectionEndedAt;
        Map<Plan, Instant> plansLeftAt = this.plansLeftAt;
        Map<UUID, HeldUntil> legalHolds = this.legalHolds;
        Erasure erasure = this.erasure;
        boolean purgeBlocked = this.purgeBlocked;
        PendingApproval expedite = this.expedite;
        if (event instanceof AccountProfileUpdatedEvent e) {
            email = e.email() != null ? e.email() : email;
            displayName = e.displayName() != null ? e.displayName() : displayName;
        } else if (event instanceof AccountPlanChangedEvent e) {
            if (e.plan() != plan && plan != null) {
                Map<Plan, Instant> left = new EnumMap<>(Plan.class);
                left.putAll(plansLeftAt);
                left.put(plan, at);
                plansLeftAt = Collections.unmodifiableMap(left);
            }
            plan = e.plan();
        } else if (event instanceof AccountProtectionChangedEvent e) {
            if (protectedAccount && !e.protectedAccount()) {
                protectionEndedAt = at;
            }
            protectedAccount = e.protectedAccount();
        } else if (event instanceof AccountActivityRecordedEvent e) {
            lastActivityAt = e.lastActivityAt();
        } else if (event instanceof AccountDeletionApprovalRequestedEvent e) {
            approval = new PendingApproval(e.requestedBy() == null ? "" : e.requestedBy(), e.reason(), at,
                                           e.kind() == DeletionKind.ERASURE
                                           ? new ErasureRequest(e.receivedAt(), e.erasureDeadline()) : null);
            deletionRequested = false;
            deletionRequestedAt = null;
            requestBatch = null;
        } else if (event instanceof AccountDeletionRejectedEvent || event instanceof AccountDeletionApprovalExpiredEvent) {
            approval = null;
            deletionRequested = false;
            deletionRequestedAt = null;
            requestBatch = null;
        } else if (event instanceof AccountDeletionRequestedEvent e) {
            approval = null;
            deletionRequested = true;
            deletionRequestedAt = at;
            requestBatch = batchId;
            requestedBy = e.requestedBy();
            requestCorrelation = correlationId;
            erasure = e.erasure() ? new Erasure(e.receivedAt(), e.erasureDeadline(), null) : null;
            purgeBlocked = false;
            expedite = null;
        } else if (event instanceof AccountQuarantinedEvent e) {
            status = AccountStatus.QUARANTINED;
            purgeDueAt = e.purgeDueAt();
            approval = null;
            deletionRequested = true;
            purgeBlocked = false;
        } else if (event instanceof AccountLegalHoldAppliedEvent e) {
            Map<UUID, HeldUntil> holds = new LinkedHashMap<>(legalHolds);
            holds.put(e.holdId(), new HeldUntil(e.matter(), e.endsAt()));
            legalHolds = Collections.unmodifiableMap(holds);
        } else if (event instanceof AccountLegalHoldLiftedEvent e) {
            Map<UUID, HeldUntil> holds = new LinkedHashMap<>(legalHolds);
            holds.remove(e.holdId());
            legalHolds = Collections.unmodifiableMap(holds);
        } else if (event instanceof AccountPurgeBlockedByHoldEvent) {
            purgeBlocked = true;
        } else if (event instanceof AccountErasureDeadlineExtendedEvent e) {
            if (erasure != null) {
                erasure = new Erasure(erasure.receivedAt(), erasure.deadline(), e.until());
            }
        } else if (event instanceof AccountPurgeExpediteRequestedEvent e) {
            expedite = new PendingApproval(e.requestedBy() == null ? "" : e.requestedBy(), e.reason(), at);
        } else if (event instanceof AccountPurgeExpeditedEvent) {
            expedite = null;
        } else if (event instanceof AccountDeletionCancelledEvent) {
            status = AccountStatus.ACTIVE;
            purgeDueAt = null;
            approval = null;
            deletionRequested = false;
            deletionRequestedAt = null;
            requestBatch = null;
            requestedBy = null;
            requestCorrelation = null;
            erasure = null;
            purgeBlocked = false;
            expedite = null;
        } else if (event instanceof AccountPurgedEvent) {
            // The key is shredded with this event: what stays sealed here can never be opened again.
            status = AccountStatus.PURGED;
            email = null;
            displayName = null;
            purgeDueAt = null;
            approval = null;
            deletionRequested = false;
            purgeBlocked = false;
            expedite = null;
        }
        return new AccountState(accountId, status, email, displayName, plan, protectedAccount, openedAt, lastActivityAt,
                                sequence, at, purgeDueAt, deletionRequested, deletionRequestedAt, approval,
                                requestBatch, requestedBy, requestCorrelation, protectionEndedAt, plansLeftAt,
                                legalHolds, erasure, purgeBlocked, expedite);
    }

    /**
     * Whether the account counts as protected now: flagged or on a protected plan at any point since {@code since}
     * (the protection look-back), not only at this moment; moving a customer to a cheap plan or removing the flag just
     * before a deletion buys nothing. Null when it is not, else why.
     */
    public String protectedSince(Set<Plan> protectedPlans, Instant since) {
        if (protectedAccount) {
            return "protected account";
        }
        if (protectedPlans.contains(plan)) {
            return "protected plan " + plan;
        }
        if (protectionEndedAt != null && protectionEndedAt.isAfter(since)) {
            return "protected account until " + protectionEndedAt;
        }
        for (Map.Entry<Plan, Instant> left : plansLeftAt.entrySet()) {
            if (protectedPlans.contains(left.getKey()) && left.getValue().isAfter(since)) {
                return "on protected plan " + left.getKey() + " until " + left.getValue();
            }
        }
        return null;
    }

    /** The plans the account was on since {@code since}, the current one included: what its deletion puts at risk. */
    public Set<Plan> plansSince(Instant since) {
        Set<Plan> plans = EnumSet.noneOf(Plan.class);
        if (plan != null) {
            plans.add(plan);
        }
        plansLeftAt.forEach((p, leftAt) -> {
            if (leftAt.isAfter(since)) {
                plans.add(p);
            }
        });
        return plans;
    }

    /** Active, with no deletion under way or awaiting approval. */
    public boolean deletable() {
        return status == AccountStatus.ACTIVE && !deletionRequested && approval == null;
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
