package io.accountlifecycle.service.search;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.service.personal.EmailIndexKey;
import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static io.accountlifecycle.projections.support.Sql.instant;
import static io.accountlifecycle.projections.support.Sql.uuid;

/**
 * Accounts by their email: the MAC of the normalised email looked up in {@code account_email_index}, each match
 * answered from the account summary. Purged accounts have no row, so they are never found.
 */
@Component
@ConditionalOnProperty(name = Roles.PROJECTIONS, havingValue = "true", matchIfMissing = true)
public class AccountsByEmail {

    /** The most accounts one search answers with, oldest first. */
    static final int MAX_MATCHES = 100;

    private final JdbcTemplate jdbc;
    private final EmailIndexKey key;

    AccountsByEmail(JdbcTemplate jdbc, EmailIndexKey key) {
        this.jdbc = jdbc;
        this.key = key;
    }

    /**
     * The one form an email is indexed and searched in: without surrounding white space, lower-cased (in the root
     * locale, so that an {@code I} is an {@code i} whatever the JVM's language).
     */
    static String normalise(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    /** An account as an admin looking someone up needs it, from the account summary; no personal field. */
    @Schema(name = "AccountSearchMatch")
    public record Match(UUID accountId,
                 @Schema(description = "ACTIVE or QUARANTINED: a purged account is never found") AccountStatus status,
                 Plan plan,
                 @JsonProperty("protected") boolean protectedAccount,
                 Instant openedAt,
                 @Schema(description = "When it was last seen in use; null: never since it opened")
                 Instant lastActivityAt,
                 @Schema(description = "When its deletion was requested, while one is under way")
                 Instant deletionRequestedAt,
                 @Schema(description = "While it is quarantined: when it will be purged") Instant purgeDueAt) {
    }

    public List<Match> find(String email) {
        return jdbc.query("""
                                  select s.account_id, s.status, s.plan, s.protected, s.created_at, s.last_activity_at,
                                         s.deletion_requested_at, s.purge_due_at
                                  from account_email_index i
                                  join projection.account_summary s on s.account_id = i.account_id
                                  where i.email_mac = ?
                                  order by s.created_at, s.account_id
                                  limit ?""",
                          (row, i) -> new Match(uuid(row, "account_id"), AccountStatus.valueOf(row.getString("status")),
                                                Plan.valueOf(row.getString("plan")), row.getBoolean("protected"),
                                                instant(row, "created_at"), instant(row, "last_activity_at"),
                                                instant(row, "deletion_requested_at"), instant(row, "purge_due_at")),
                          key.mac(normalise(email)), MAX_MATCHES);
    }
}
