package io.accountlifecycle.projections.timeline;

import io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent;
import io.accountlifecycle.api.AccountDeletionApprovedEvent;
import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionApprovalExpiredEvent;
import io.accountlifecycle.api.AccountDeletionRejectedEvent;
import io.accountlifecycle.api.AccountProtectionChangedEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPlanChangedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.projections.support.JdbcProjector;
import io.accountlifecycle.projections.support.StatementGuard;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.MetaData;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.utc;
import static io.accountlifecycle.projections.support.Sql.uuidOrNull;

/**
 * Every change of an account's lifecycle — opened, plan changed, deletion requested, quarantined, cancelled,
 * purged — with the status it left the account in, who did it and why. Keyed by the event's place in its account's
 * sequence, so a replayed event finds its row already there.
 */
@ProcessingGroup(AccountTimelineProjector.NAME)
public class AccountTimelineProjector extends JdbcProjector {

    public static final String NAME = "account-timeline";

    public AccountTimelineProjector(JdbcTemplate jdbc, StatementGuard guard) {
        super(jdbc, guard);
    }

    @EventHandler
    void on(AccountOpenedEvent event, @SequenceNumber long sequence, @Timestamp Instant at, MetaData metaData) {
        record(event.accountId(), sequence, at, "OPENED", AccountStatus.ACTIVE, event.plan(), actor(metaData, null),
               null, null, metaData);
    }

    @EventHandler
    void on(AccountPlanChangedEvent event, @SequenceNumber long sequence, @Timestamp Instant at, MetaData metaData) {
        record(event.accountId(), sequence, at, "PLAN_CHANGED", AccountStatus.ACTIVE, event.plan(),
               actor(metaData, null), "from " + event.previousPlan(), null, metaData);
    }

    @EventHandler
    void on(AccountDeletionRequestedEvent event, @SequenceNumber long sequence, @Timestamp Instant at,
            MetaData metaData) {
        record(event.accountId(), sequence, at, "DELETION_REQUESTED", AccountStatus.ACTIVE, null,
               actor(metaData, event.requestedBy()), event.reason(), null, metaData);
    }

    @EventHandler
    void on(AccountDeletionApprovalRequestedEvent event, @SequenceNumber long sequence, @Timestamp Instant at,
            MetaData metaData) {
        record(event.accountId(), sequence, at, "DELETION_APPROVAL_REQUESTED", AccountStatus.ACTIVE, null,
               actor(metaData, event.requestedBy()), event.reason(), null, metaData);
    }

    @EventHandler
    void on(AccountDeletionApprovedEvent event, @SequenceNumber long sequence, @Timestamp Instant at,
            MetaData metaData) {
        record(event.accountId(), sequence, at, "DELETION_APPROVED", AccountStatus.ACTIVE, null,
               actor(metaData, event.approvedBy()), null, null, metaData);
    }

    @EventHandler
    void on(AccountDeletionRejectedEvent event, @SequenceNumber long sequence, @Timestamp Instant at,
            MetaData metaData) {
        record(event.accountId(), sequence, at, "DELETION_REJECTED", AccountStatus.ACTIVE, null,
               actor(metaData, event.rejectedBy()), event.reason(), null, metaData);
    }

    @EventHandler
    void on(AccountDeletionApprovalExpiredEvent event, @SequenceNumber long sequence, @Timestamp Instant at,
            MetaData metaData) {
        record(event.accountId(), sequence, at, "DELETION_APPROVAL_EXPIRED", AccountStatus.ACTIVE, null,
               actor(metaData, null), null, null, metaData);
    }

    @EventHandler
    void on(AccountProtectionChangedEvent event, @SequenceNumber long sequence, @Timestamp Instant at,
            MetaData metaData) {
        record(event.accountId(), sequence, at, event.protectedAccount() ? "PROTECTION_SET" : "PROTECTION_REMOVED",
               AccountStatus.ACTIVE, null, actor(metaData, event.changedBy()), event.reason(), null, metaData);
    }

    @EventHandler
    void on(AccountQuarantinedEvent event, @SequenceNumber long sequence, @Timestamp Instant at, MetaData metaData) {
        record(event.accountId(), sequence, at, "QUARANTINED", AccountStatus.QUARANTINED, null,
               actor(metaData, null), null, event.purgeDueAt(), metaData);
    }

    @EventHandler
    void on(AccountDeletionCancelledEvent event, @SequenceNumber long sequence, @Timestamp Instant at,
            MetaData metaData) {
        record(event.accountId(), sequence, at, "DELETION_CANCELLED", AccountStatus.ACTIVE, null,
               actor(metaData, event.cancelledBy()), event.reason(), null, metaData);
    }

    @EventHandler
    void on(AccountPurgedEvent event, @SequenceNumber long sequence, @Timestamp Instant at, MetaData metaData) {
        record(event.accountId(), sequence, at, "PURGED", AccountStatus.PURGED, null, actor(metaData, null), null,
               null, metaData);
    }

    @ResetHandler
    void reset() {
        truncate("projection.account_timeline");
    }

    private void record(UUID accountId, long sequence, Instant at, String change, AccountStatus status, Plan plan,
                        String actor, String reason, Instant purgeDueAt, MetaData metaData) {
        write("""
                    insert into projection.account_timeline
                        (account_id, sequence_number, occurred_at, change, status, plan, actor, reason, purge_due_at,
                         batch_id, correlation_id)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (account_id, sequence_number) do nothing""",
                    accountId, sequence, utc(at), change, status.name(), plan == null ? null : plan.name(), actor,
                    reason, utc(purgeDueAt), uuidOrNull(metaData.get(MetaDataKeys.BATCH_ID)),
                    text(metaData.get(MetaDataKeys.CORRELATION_ID)));
    }

    /** The person the event names, else the caller recorded in the metadata. */
    private static String actor(MetaData metaData, String named) {
        return named != null ? named : text(metaData.get(MetaDataKeys.ACTOR));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
