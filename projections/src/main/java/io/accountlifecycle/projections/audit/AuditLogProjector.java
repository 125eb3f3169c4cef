package io.accountlifecycle.projections.audit;

import io.accountlifecycle.api.AccessDeniedEvent;
import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionApprovalExpiredEvent;
import io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent;
import io.accountlifecycle.api.AccountProtectionChangedEvent;
import io.accountlifecycle.api.AccountDeletionApprovedEvent;
import io.accountlifecycle.api.AccountDeletionRejectedEvent;
import io.accountlifecycle.api.AccountDataExportedEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountErasureDeadlineExtendedEvent;
import io.accountlifecycle.api.AccountLegalHoldAppliedEvent;
import io.accountlifecycle.api.AccountLegalHoldLiftedEvent;
import io.accountlifecycle.api.AccountPurgeBlockedByHoldEvent;
import io.accountlifecycle.api.AccountPurgeExpediteRequestedEvent;
import io.accountlifecycle.api.AccountPurgeExpeditedEvent;
import io.accountlifecycle.api.LegalHoldPlacedEvent;
import io.accountlifecycle.api.LegalHoldReleasedEvent;
import io.accountlifecycle.api.DeletionBreakerResetEvent;
import io.accountlifecycle.api.DeletionBreakerTrippedEvent;
import io.accountlifecycle.api.DeletionBatchApprovedEvent;
import io.accountlifecycle.api.DeletionBatchCancelledEvent;
import io.accountlifecycle.api.DeletionBatchCreatedEvent;
import io.accountlifecycle.api.DeletionBatchExpiredEvent;
import io.accountlifecycle.api.DeletionBatchRejectedEvent;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.api.MasterKeyRotatedEvent;
import io.accountlifecycle.api.PurgesPausedEvent;
import io.accountlifecycle.api.PurgesResumedEvent;
import io.accountlifecycle.api.RetiredMasterKeysDestroyedEvent;
import io.accountlifecycle.projections.support.JdbcProjector;
import io.accountlifecycle.projections.support.StatementGuard;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.utc;
import static io.accountlifecycle.projections.support.Sql.uuidOrNull;

/**
 * Who did what to which account, when, why and under which correlation id: every deletion request and
 * cancellation, every deletion batch created, approved, rejected or undone, every pause and resume of purges, and
 * every refused attempt of an authenticated caller. One row
 * per event, keyed by the event's id.
 */
@ProcessingGroup(AuditLogProjector.NAME)
public class AuditLogProjector extends JdbcProjector {

    public static final String NAME = "audit-log";

    public AuditLogProjector(JdbcTemplate jdbc, StatementGuard guard) {
        super(jdbc, guard);
    }

    @EventHandler
    void on(AccountDeletionRequestedEvent event, EventMessage<?> message) {
        record(message, "DELETION_REQUESTED", event.requestedBy(), event.accountId(), event.reason(),
               event.erasure() ? "ERASURE received " + event.receivedAt() + ", deadline " + event.erasureDeadline()
                               : null);
    }

    @EventHandler
    void on(AccountErasureDeadlineExtendedEvent event, EventMessage<?> message) {
        record(message, "ERASURE_DEADLINE_EXTENDED", event.extendedBy(), event.accountId(), event.reason(),
               "until " + event.until());
    }

    @EventHandler
    void on(LegalHoldPlacedEvent event, EventMessage<?> message) {
        record(message, "LEGAL_HOLD_PLACED", event.placedBy(), null, event.reason(),
               "hold " + event.holdId() + ", matter " + event.matter() + ", " + event.accountIds().size()
               + " accounts" + (event.endsAt() == null ? "" : ", until " + event.endsAt())
               + (event.criteria() == null ? "" : ", criteria " + event.criteria()));
    }

    @EventHandler
    void on(LegalHoldReleasedEvent event, EventMessage<?> message) {
        record(message, "LEGAL_HOLD_RELEASED", event.releasedBy(), null, event.reason(), "hold " + event.holdId());
    }

    @EventHandler
    void on(AccountLegalHoldAppliedEvent event, EventMessage<?> message) {
        record(message, "LEGAL_HOLD_APPLIED", null, event.accountId(), null,
               "hold " + event.holdId() + ", matter " + event.matter());
    }

    @EventHandler
    void on(AccountLegalHoldLiftedEvent event, EventMessage<?> message) {
        record(message, "LEGAL_HOLD_LIFTED", null, event.accountId(), null, "hold " + event.holdId());
    }

    @EventHandler
    void on(AccountPurgeBlockedByHoldEvent event, EventMessage<?> message) {
        record(message, "PURGE_BLOCKED_BY_HOLD", null, event.accountId(), null,
               "holds " + event.holdIds());
    }

    @EventHandler
    void on(AccountPurgeExpediteRequestedEvent event, EventMessage<?> message) {
        record(message, "PURGE_EXPEDITE_REQUESTED", event.requestedBy(), event.accountId(), event.reason(), null);
    }

    @EventHandler
    void on(AccountDataExportedEvent event, EventMessage<?> message) {
        record(message, "ACCOUNT_EXPORTED", event.exportedBy(), event.accountId(), null,
               event.events() + " events" + (event.purged() ? ", purged: no personal data" : ""));
    }

    @EventHandler
    void on(AccountPurgeExpeditedEvent event, EventMessage<?> message) {
        record(message, "PURGE_EXPEDITED", event.approvedBy(), event.accountId(), null, null);
    }

    @EventHandler
    void on(AccountDeletionCancelledEvent event, EventMessage<?> message) {
        record(message, "DELETION_CANCELLED", event.cancelledBy(), event.accountId(), event.reason(), null);
    }

    @EventHandler
    void on(PurgesPausedEvent event, EventMessage<?> message) {
        record(message, "PURGES_PAUSED", event.pausedBy(), null, event.reason(), null);
    }

    @EventHandler
    void on(PurgesResumedEvent event, EventMessage<?> message) {
        record(message, "PURGES_RESUMED", event.resumedBy(), null, event.reason(), null);
    }

    @EventHandler
    void on(MasterKeyRotatedEvent event, EventMessage<?> message) {
        record(message, "MASTER_KEY_ROTATED", event.actor(), null, null,
               "new key " + event.newKeyId() + ", retired " + event.retiredKeyIds() + ", " + event.rewrappedKeys()
               + " data keys wrapped again");
    }

    @EventHandler
    void on(RetiredMasterKeysDestroyedEvent event, EventMessage<?> message) {
        record(message, "RETIRED_MASTER_KEYS_DESTROYED", event.actor(), null, null,
               "destroyed " + event.destroyedKeyIds());
    }

    /** One event stands for every refusal of a subject's action within a minute: what, how many times and when. */
    @EventHandler
    void on(AccessDeniedEvent event, EventMessage<?> message) {
        // An event stored before refusals were aggregated has no times: it was one refusal, at the event's time.
        String details = event.method() + " " + event.path();
        if (event.firstAt() != null) {
            details += event.count() == 1 ? ", once at " + event.firstAt()
                       : ", " + event.count() + " times from " + event.firstAt() + " to " + event.lastAt();
        }
        record(message, "ACCESS_DENIED", event.actor(), uuidOrNull(event.accountId()), event.reason(), details);
    }

    @EventHandler
    void on(AccountDeletionApprovalRequestedEvent event, EventMessage<?> message) {
        record(message, "DELETION_APPROVAL_REQUESTED", event.requestedBy(), event.accountId(), event.reason(),
               null);
    }

    @EventHandler
    void on(AccountDeletionApprovedEvent event, EventMessage<?> message) {
        record(message, "DELETION_APPROVED", event.approvedBy(), event.accountId(), null, null);
    }

    @EventHandler
    void on(AccountDeletionRejectedEvent event, EventMessage<?> message) {
        record(message, "DELETION_REJECTED", event.rejectedBy(), event.accountId(), event.reason(), null);
    }

    @EventHandler
    void on(AccountDeletionApprovalExpiredEvent event, EventMessage<?> message) {
        record(message, "DELETION_APPROVAL_EXPIRED", null, event.accountId(), null,
               "requested by " + event.requestedBy());
    }

    @EventHandler
    void on(AccountProtectionChangedEvent event, EventMessage<?> message) {
        record(message, event.protectedAccount() ? "PROTECTION_SET" : "PROTECTION_REMOVED", event.changedBy(),
               event.accountId(), event.reason(), null);
    }

    @EventHandler
    void on(DeletionBreakerTrippedEvent event, EventMessage<?> message) {
        record(message, "BREAKER_TRIPPED", "deletion-breaker", null, null,
               event.requestsLastMinute() + " deletion requests (" + event.quarantinesLastMinute()
               + " quarantines) within a minute, limit " + event.limit()
               + (event.topRequester() == null ? "" : "; most by " + event.topRequester() + " ("
                                                      + event.topRequesterRequests() + ")"));
    }

    @EventHandler
    void on(DeletionBreakerResetEvent event, EventMessage<?> message) {
        record(message, "BREAKER_RESET", event.resetBy(), null, event.reason(), null);
    }

    @EventHandler
    void on(DeletionBatchCreatedEvent event, EventMessage<?> message) {
        record(message, "BATCH_CREATED", event.requestedBy(), null, event.reason(),
               event.accountIds().size() + " accounts, monthly value at risk " + event.monthlyValueAtRisk() + ", "
               + event.state());
    }

    @EventHandler
    void on(DeletionBatchApprovedEvent event, EventMessage<?> message) {
        record(message, "BATCH_APPROVED", event.approvedBy(), null, null, null);
    }

    @EventHandler
    void on(DeletionBatchRejectedEvent event, EventMessage<?> message) {
        record(message, "BATCH_REJECTED", event.rejectedBy(), null, event.reason(), null);
    }

    @EventHandler
    void on(DeletionBatchExpiredEvent event, EventMessage<?> message) {
        record(message, "BATCH_EXPIRED", null, null, null, "batch " + event.batchId());
    }

    @EventHandler
    void on(DeletionBatchCancelledEvent event, EventMessage<?> message) {
        record(message, "BATCH_CANCELLED", event.cancelledBy(), null, event.reason(),
               event.restored() + " restored, " + event.alreadyPurged() + " already purged");
    }

    @ResetHandler
    void reset() {
        truncate("projection.audit_log");
    }

    private void record(EventMessage<?> message, String action, String actor, UUID accountId, String reason,
                        String details) {
        Object recordedActor = actor != null ? actor : message.getMetaData().get(MetaDataKeys.ACTOR);
        write("""
                    insert into projection.audit_log
                        (event_id, occurred_at, action, actor, account_id, batch_id, reason, correlation_id, details)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (event_id) do nothing""",
                    message.getIdentifier(), utc(message.getTimestamp()), action,
                    recordedActor == null ? null : recordedActor.toString(), accountId,
                    uuidOrNull(message.getMetaData().get(MetaDataKeys.BATCH_ID)), reason,
                    text(message.getMetaData().get(MetaDataKeys.CORRELATION_ID)), details);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
