package io.accountlifecycle.projections.batches;

import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.DeletionBatchApprovedEvent;
import io.accountlifecycle.api.DeletionBatchCancelledEvent;
import io.accountlifecycle.api.DeletionBatchCreatedEvent;
import io.accountlifecycle.api.DeletionBatchExpiredEvent;
import io.accountlifecycle.api.DeletionBatchRejectedEvent;
import io.accountlifecycle.api.DeletionBatchRequestsSentEvent;
import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.projections.support.JdbcProjector;
import io.accountlifecycle.projections.support.StatementGuard;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.utc;
import static io.accountlifecycle.projections.support.Sql.uuidOrNull;

/**
 * Deletion batches and where each of their accounts stands. One segment: a batch's events and its accounts' events
 * are applied in the store's order. Account rows only move forward (selected → requested → quarantined → purged or
 * restored), so replays and redeliveries change nothing.
 */
@ProcessingGroup(DeletionBatchProjector.NAME)
public class DeletionBatchProjector extends JdbcProjector {

    public static final String NAME = "deletion-batches";

    public DeletionBatchProjector(JdbcTemplate jdbc, StatementGuard guard) {
        super(jdbc, guard);
    }

    @EventHandler
    void on(DeletionBatchCreatedEvent event, @Timestamp Instant at) {
        write("""
              insert into projection.deletion_batch (batch_id, state, reason, requested_by, accounts,
                                                     monthly_value_at_risk, created_at, updated_at)
              values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (batch_id) do nothing""",
              event.batchId(), event.state().name(), event.reason(), event.requestedBy(), event.accountIds().size(),
              event.monthlyValueAtRisk(), utc(at), utc(at));
        write("""
              insert into projection.deletion_batch_account (batch_id, account_id, status)
              select ?, unnest(?::uuid[]), 'SELECTED' on conflict do nothing""",
              event.batchId(), event.accountIds().stream().map(UUID::toString).toArray(String[]::new));
    }

    @EventHandler
    void on(DeletionBatchApprovedEvent event, @Timestamp Instant at) {
        batch(event.batchId(), at, "state = 'IN_PROGRESS', decided_by = ?", event.approvedBy());
    }

    @EventHandler
    void on(DeletionBatchRejectedEvent event, @Timestamp Instant at) {
        batch(event.batchId(), at, "state = 'REJECTED', decided_by = ?", event.rejectedBy());
    }

    @EventHandler
    void on(DeletionBatchExpiredEvent event, @Timestamp Instant at) {
        batch(event.batchId(), at, "state = ?", DeletionBatchState.EXPIRED.name());
    }

    @EventHandler
    void on(DeletionBatchCancelledEvent event, @Timestamp Instant at) {
        batch(event.batchId(), at, "state = 'CANCELLED', cancelled_by = ?", event.cancelledBy());
    }

    /**
     * The chunk's accounts that no longer qualified are left out, with why; once the last chunk is requested,
     * whatever else the executor did not request was no longer Active.
     */
    @EventHandler
    void on(DeletionBatchRequestsSentEvent event) {
        for (DeletionBatchRequestsSentEvent.LeftOut left : event.leftOut()) {
            write("update projection.deletion_batch_account set status = 'LEFT_OUT', left_out_reason = ? "
                  + "where batch_id = ? and account_id = ? and status = 'SELECTED'", left.reason(), event.batchId(),
                  left.accountId());
        }
        if (event.to() >= event.total()) {
            write("update projection.deletion_batch_account set status = 'SKIPPED' where batch_id = ? and status = "
                  + "'SELECTED'", event.batchId());
        }
    }

    @EventHandler
    void on(AccountDeletionRequestedEvent event, @MetaDataValue(MetaDataKeys.BATCH_ID) String batchId) {
        UUID batch = uuidOrNull(batchId);
        if (batch != null) {
            write("update projection.deletion_batch_account set status = 'REQUESTED' "
                  + "where batch_id = ? and account_id = ? and status = 'SELECTED'", batch, event.accountId());
        }
    }

    @EventHandler
    void on(AccountQuarantinedEvent event) {
        account(event.accountId(), "QUARANTINED", "'REQUESTED'");
    }

    @EventHandler
    void on(AccountPurgedEvent event) {
        account(event.accountId(), "PURGED", "'REQUESTED', 'QUARANTINED'");
    }

    @EventHandler
    void on(AccountDeletionCancelledEvent event) {
        account(event.accountId(), "RESTORED", "'REQUESTED', 'QUARANTINED'");
    }

    @ResetHandler
    void reset() {
        truncate("projection.deletion_batch", "projection.deletion_batch_account");
    }

    private void batch(UUID batchId, Instant at, String assignments, Object value) {
        write("update projection.deletion_batch set " + assignments + ", updated_at = ? where batch_id = ?", value,
              utc(at), batchId);
    }

    /** {@code from} is a constant list of this class, never input. */
    private void account(UUID accountId, String to, String from) {
        write("update projection.deletion_batch_account set status = ? where account_id = ? and status in (" + from
              + ")", to, accountId);
    }

    static String stateOf(String stored, long unfinished, long inHold) {
        DeletionBatchState state = DeletionBatchState.valueOf(stored);
        if (state != DeletionBatchState.IN_PROGRESS) {
            return state.name();
        }
        if (unfinished > 0) {
            return DeletionBatchState.IN_PROGRESS.name();
        }
        return (inHold > 0 ? DeletionBatchState.IN_HOLD : DeletionBatchState.COMPLETED).name();
    }
}
