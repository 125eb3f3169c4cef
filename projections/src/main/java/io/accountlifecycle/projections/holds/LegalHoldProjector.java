package io.accountlifecycle.projections.holds;

import io.accountlifecycle.api.AccountLegalHoldAppliedEvent;
import io.accountlifecycle.api.AccountLegalHoldLiftedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.LegalHoldPlacedEvent;
import io.accountlifecycle.api.LegalHoldReleasedEvent;
import io.accountlifecycle.projections.batches.DeletionBatchProjector;
import io.accountlifecycle.projections.support.JdbcProjector;
import io.accountlifecycle.projections.support.StatementGuard;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.utc;

/**
 * Legal holds as placed and released, and the holds each account records: what admins list, what the pending purges
 * and erasure requests show as {@code purgeBlockedBy}, and what analysts filter accounts under hold by. Inserts skip
 * rows already there and deletes find nothing the second time, so replays change nothing. It runs in the
 * {@code deletion-batches} projection's processor (replayed with it): another processor would read every event for
 * the few that are its own.
 */
@ProcessingGroup(DeletionBatchProjector.NAME)
public class LegalHoldProjector extends JdbcProjector {

    public LegalHoldProjector(JdbcTemplate jdbc, StatementGuard guard) {
        super(jdbc, guard);
    }

    @EventHandler
    void on(LegalHoldPlacedEvent event, @Timestamp Instant at) {
        write("""
                insert into projection.legal_hold
                    (hold_id, matter, reason, criteria, account_ids, placed_by, placed_at, ends_at)
                values (?, ?, ?, ?, ?::uuid[], ?, ?, ?)
                on conflict (hold_id) do nothing""",
              event.holdId(), event.matter(), event.reason(), event.criteria(), uuidArray(event), event.placedBy(),
              utc(at), event.endsAt() == null ? null : utc(event.endsAt()));
    }

    @EventHandler
    void on(LegalHoldReleasedEvent event, @Timestamp Instant at) {
        write("""
                update projection.legal_hold set released_at = ?, released_by = ?, release_reason = ?
                where hold_id = ? and released_at is null""",
              utc(at), event.releasedBy(), event.reason(), event.holdId());
    }

    @EventHandler
    void on(AccountLegalHoldAppliedEvent event, @Timestamp Instant at) {
        write("""
                insert into projection.account_legal_hold (account_id, hold_id, matter, ends_at, applied_at)
                values (?, ?, ?, ?, ?)
                on conflict (account_id, hold_id) do nothing""",
              event.accountId(), event.holdId(), event.matter(),
              event.endsAt() == null ? null : utc(event.endsAt()), utc(at));
    }

    @EventHandler
    void on(AccountLegalHoldLiftedEvent event) {
        write("delete from projection.account_legal_hold where account_id = ? and hold_id = ?", event.accountId(),
              event.holdId());
    }

    /** Never reached under a hold (the purge is refused); here for an account purged before a hold's row came. */
    @EventHandler
    void on(AccountPurgedEvent event) {
        write("delete from projection.account_legal_hold where account_id = ?", event.accountId());
    }

    @ResetHandler
    void reset() {
        truncate("projection.legal_hold", "projection.account_legal_hold");
    }

    private static String uuidArray(LegalHoldPlacedEvent event) {
        StringBuilder array = new StringBuilder("{");
        for (UUID id : event.accountIds()) {
            if (array.length() > 1) {
                array.append(',');
            }
            array.append(id);
        }
        return array.append('}').toString();
    }
}
