package io.accountlifecycle.service.search;

import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountProfileUpdatedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.api.SealedValueOpener;
import io.accountlifecycle.projections.summary.AccountSummaryProjector;
import io.accountlifecycle.projections.support.JdbcProjector;
import io.accountlifecycle.projections.support.StatementGuard;
import io.accountlifecycle.service.personal.EmailIndexKey;
import io.accountlifecycle.service.roles.Roles;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

/**
 * Keeps {@code account_email_index}: the keyed MAC ({@link EmailIndexKey}) of each account's normalised email, set
 * when the account opens and when its email changes, dropped when it is purged. An email that no longer opens (its
 * key destroyed: a replay passing a purged account's first events) gives no row. Unlike the projections, it opens a
 * sealed value: only to compute the MAC, the plaintext is never stored.
 * <p>
 * It runs in the account-summary projection's processor, not in one of its own: every streaming processor reads the
 * whole store and stores its token after each batch, and on two cores one more cost the command path measurable
 * throughput (the A/B run of issue 21). The summary's processor already reads exactly these events, per account and in
 * order, with batched writes and a dead-letter queue; the search joins the index to the summary, and both change in
 * the same transaction, so they never disagree. Its replay (the admin endpoint, and the restore's rebuild) goes
 * through this handler too: the reset truncates the index and the replay builds it again. Not the subscribing
 * key-shredder: that would open the email and write the row inside every open's and profile change's own
 * transaction, and a subscribing processor has no replay to rebuild from. So it exists where the summary's processor
 * does: on the projections role.
 */
@Component
@ProcessingGroup(AccountSummaryProjector.NAME)
@ConditionalOnProperty(name = Roles.PROJECTIONS, havingValue = "true", matchIfMissing = true)
class EmailIndexer extends JdbcProjector {

    private final SealedValueOpener opener;
    private final EmailIndexKey key;

    EmailIndexer(JdbcTemplate jdbc, StatementGuard guard, SealedValueOpener opener, EmailIndexKey key) {
        super(jdbc, guard);
        this.opener = opener;
        this.key = key;
    }

    @EventHandler
    void on(AccountOpenedEvent event, @SequenceNumber long sequence) {
        index(event.accountId(), event.email(), sequence);
    }

    @EventHandler
    void on(AccountProfileUpdatedEvent event, @SequenceNumber long sequence) {
        if (event.email() != null) {
            index(event.accountId(), event.email(), sequence);
        }
    }

    @EventHandler
    void on(AccountPurgedEvent event) {
        write("delete from account_email_index where account_id = ?", event.accountId());
    }

    /** Emptied, to be built again by the replay; that answers a backfill's request too ({@link EmailIndexBackfill}). */
    @ResetHandler
    void reset() {
        truncate("account_email_index");
        jdbc.update("delete from email_index_backfill");
    }

    /**
     * Nothing when the email no longer opens: its key is destroyed, so the account's purge follows in the stream
     * and drops any row. A value that does not open under a key that exists fails the event, which parks (a
     * misconfigured master key must not quietly empty the index).
     */
    private void index(UUID accountId, SealedValue email, long sequence) {
        Optional<String> plaintext = opener.open(email);
        if (plaintext.isEmpty()) {
            return;
        }
        write("""
                    insert into account_email_index (account_id, email_mac, version) values (?, ?, ?)
                    on conflict (account_id) do update set email_mac = excluded.email_mac, version = excluded.version
                    where account_email_index.version < excluded.version""",
              accountId, key.mac(AccountsByEmail.normalise(plaintext.get())), sequence);
    }
}
