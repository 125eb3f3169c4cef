package io.accountlifecycle.projections.summary;

import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.api.AccountDeletionApprovalExpiredEvent;
import io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent;
import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRejectedEvent;
import io.accountlifecycle.api.AccountErasureDeadlineExtendedEvent;
import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPlanChangedEvent;
import io.accountlifecycle.api.AccountProfileUpdatedEvent;
import io.accountlifecycle.api.AccountProtectionChangedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.projections.support.JdbcProjector;
import io.accountlifecycle.projections.support.StatementGuard;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.utc;
import static io.accountlifecycle.projections.support.Sql.uuidOrNull;

/**
 * One row per account: its status, plan, protection, activity and deletion, and its personal fields as ciphertext.
 * Each update applies only to a row whose version is older than the event, so replays and redeliveries are no-ops.
 */
@ProcessingGroup(AccountSummaryProjector.NAME)
public class AccountSummaryProjector extends JdbcProjector {

    public static final String NAME = "account-summary";

    public AccountSummaryProjector(JdbcTemplate jdbc, StatementGuard guard) {
        super(jdbc, guard);
    }

    @EventHandler
    void on(AccountOpenedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        write("""
                    insert into projection.account_summary
                        (account_id, status, plan, protected, created_at,
                         email_key_id, email_ciphertext, display_name_key_id, display_name_ciphertext,
                         version, updated_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (account_id) do nothing""",
                    event.accountId(), AccountStatus.ACTIVE.name(), event.plan().name(), event.protectedAccount(),
                    utc(at), keyId(event.email()), ciphertext(event.email()),
                    keyId(event.displayName()), ciphertext(event.displayName()), sequence, utc(at));
    }

    @EventHandler
    void on(AccountProfileUpdatedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        update(event.accountId(), sequence, at, """
                       email_key_id = coalesce(?, email_key_id), email_ciphertext = coalesce(?, email_ciphertext),
                       display_name_key_id = coalesce(?, display_name_key_id),
                       display_name_ciphertext = coalesce(?, display_name_ciphertext)""",
               keyId(event.email()), ciphertext(event.email()),
               keyId(event.displayName()), ciphertext(event.displayName()));
    }

    @EventHandler
    void on(AccountPlanChangedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        update(event.accountId(), sequence, at, "plan = ?", event.plan().name());
    }

    @EventHandler
    void on(AccountProtectionChangedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        update(event.accountId(), sequence, at, "protected = ?", event.protectedAccount());
    }

    @EventHandler
    void on(AccountActivityRecordedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        update(event.accountId(), sequence, at, "last_activity_at = greatest(last_activity_at, ?)",
               utc(event.lastActivityAt()));
    }

    @EventHandler
    void on(AccountDeletionRequestedEvent event, @SequenceNumber long sequence, @Timestamp Instant at,
            @MetaDataValue(MetaDataKeys.BATCH_ID) String batchId) {
        update(event.accountId(), sequence, at, """
                       deletion_requested_at = ?, deletion_requested_by = ?, deletion_reason = ?, batch_id = ?,
                       deletion_kind = ?, erasure_received_at = ?, erasure_deadline = ?, erasure_extended_until = null""",
               utc(at), event.requestedBy(), event.reason(), uuidOrNull(batchId),
               DeletionKind.orStandard(event.kind()).name(), utc(event.receivedAt()),
               utc(event.erasureDeadline()));
    }

    /** An erasure waiting for a second person's approval is listed with its deadline, which runs meanwhile. */
    @EventHandler
    void on(AccountDeletionApprovalRequestedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        update(event.accountId(), sequence, at,
               "deletion_kind = ?, erasure_received_at = ?, erasure_deadline = ?, erasure_extended_until = null",
               DeletionKind.orStandard(event.kind()).name(), utc(event.receivedAt()),
               utc(event.erasureDeadline()));
    }

    @EventHandler
    void on(AccountDeletionRejectedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        clearDeletionKind(event.accountId(), sequence, at);
    }

    @EventHandler
    void on(AccountDeletionApprovalExpiredEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        clearDeletionKind(event.accountId(), sequence, at);
    }

    private void clearDeletionKind(UUID accountId, long sequence, Instant at) {
        update(accountId, sequence, at, "deletion_kind = null, erasure_received_at = null, erasure_deadline = null, "
                                        + "erasure_extended_until = null");
    }

    @EventHandler
    void on(AccountErasureDeadlineExtendedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        update(event.accountId(), sequence, at, "erasure_extended_until = ?", utc(event.until()));
    }

    @EventHandler
    void on(AccountQuarantinedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        update(event.accountId(), sequence, at, "status = ?, quarantined_at = ?, purge_due_at = ?",
               AccountStatus.QUARANTINED.name(), utc(at), utc(event.purgeDueAt()));
    }

    @EventHandler
    void on(AccountDeletionCancelledEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        update(event.accountId(), sequence, at, """
                       status = ?, deletion_requested_at = null, deletion_requested_by = null, deletion_reason = null,
                       quarantined_at = null, purge_due_at = null, batch_id = null, deletion_kind = null,
                       erasure_received_at = null, erasure_deadline = null, erasure_extended_until = null""",
               AccountStatus.ACTIVE.name());
    }

    /** The key is gone, so the ciphertext is noise: dropped too, the row keeps what analysts count. */
    @EventHandler
    void on(AccountPurgedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        update(event.accountId(), sequence, at, """
                       status = ?, purged_at = ?, purge_due_at = null, email_key_id = null, email_ciphertext = null,
                       display_name_key_id = null, display_name_ciphertext = null""",
               AccountStatus.PURGED.name(), utc(at));
    }

    @ResetHandler
    void reset() {
        truncate("projection.account_summary");
    }

    private void update(UUID accountId, long sequence, Instant at, String assignments, Object... values) {
        Object[] arguments = new Object[values.length + 4];
        System.arraycopy(values, 0, arguments, 0, values.length);
        arguments[values.length] = sequence;
        arguments[values.length + 1] = utc(at);
        arguments[values.length + 2] = accountId;
        arguments[values.length + 3] = sequence;
        write("update projection.account_summary set " + assignments + ", version = ?, updated_at = ? "
                    + "where account_id = ? and version < ?", arguments);
    }

    private static String keyId(SealedValue value) {
        return value == null ? null : value.keyId();
    }

    private static String ciphertext(SealedValue value) {
        return value == null ? null : value.ciphertext();
    }
}
