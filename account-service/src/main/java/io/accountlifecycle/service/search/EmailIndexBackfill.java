package io.accountlifecycle.service.search;

import io.accountlifecycle.projections.admin.ProjectionAdmin;
import io.accountlifecycle.projections.summary.AccountSummaryProjector;
import io.accountlifecycle.service.roles.Roles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Fills the email index with the accounts opened before it existed, once: the migration that created it asks for a
 * replay of account-summary when it found history ({@code email_index_backfill}); the first instance of the
 * projections role to start claims the request and replays (in bulk, while the service keeps serving; the summary
 * answers partially meanwhile, as in any replay). The replay's reset deletes the request in the transaction that
 * resets the tokens ({@link EmailIndexer}), so a claim is taken again only if its instance stopped before that.
 */
@Component
@ConditionalOnProperty(name = Roles.PROJECTIONS, havingValue = "true", matchIfMissing = true)
class EmailIndexBackfill {

    private static final Logger log = LoggerFactory.getLogger(EmailIndexBackfill.class);

    private final JdbcTemplate jdbc;
    private final ProjectionAdmin projections;

    EmailIndexBackfill(JdbcTemplate jdbc, ProjectionAdmin projections) {
        this.jdbc = jdbc;
        this.projections = projections;
    }

    @EventListener(ApplicationReadyEvent.class)
    void replayIfAsked() {
        int claimed = jdbc.update("""
                update email_index_backfill set claimed_at = now()
                where claimed_at is null or claimed_at < now() - interval '10 minutes'""");
        if (claimed == 1) {
            log.info("The email index has no rows for the accounts opened before it existed: replaying {} once to "
                     + "fill it", AccountSummaryProjector.NAME);
            projections.replay(AccountSummaryProjector.NAME);
        }
    }
}
