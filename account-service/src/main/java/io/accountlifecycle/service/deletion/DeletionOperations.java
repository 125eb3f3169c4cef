package io.accountlifecycle.service.deletion;

import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.CancelAccountDeletionCommand;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.service.account.AccountRules;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.account.query.AccountStates;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.eventstore.EventTable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Undo by operation: every deletion request carries the operation it belongs to (its batch, or its actor and
 * correlation id), so the accounts a script deleted one call at a time come back in one action, like a batch's. A
 * preview names exactly the accounts still in the hold of a matching request (and those already purged), bound to a
 * single-use token; the cancel restores exactly that set or nothing. Requests are found in the event store, the
 * source of truth, so this works after a restore too.
 */
@Service
public class DeletionOperations {

    /** The longest span one undo may search. */
    static final Duration MAX_SPAN = Duration.ofDays(62);
    /** The most accounts one undo handles (in its hold and already purged); narrow from and to for more. */
    static final int MAX_ACCOUNTS = 100_000;
    private static final String KIND = "OPERATION";

    private final EventTable events;
    private final AccountStates accounts;
    private final DeletionPolicy policy;
    private final DeletionSettings settings;
    private final CommandSender commands;
    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final Clock clock;

    DeletionOperations(EventTable events, AccountStates accounts, DeletionPolicy policy, DeletionSettings settings,
                       CommandSender commands, JdbcTemplate jdbc, JsonMapper json, Clock clock) {
        this.events = events;
        this.accounts = accounts;
        this.policy = policy;
        this.settings = settings;
        this.commands = commands;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** Which requests: by whom, when (requested after {@code from}, up to {@code to}), and optionally in which conversation or batch. */
    @Schema(name = "DeletionOperationCriteria")
    public record Criteria(@Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String requestedBy,
                           Instant from,
                           Instant to,
                           @Schema(maxLength = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId,
                           UUID batchId) {
    }

    public record OperationAccount(UUID accountId, Plan plan, AccountStatus status, Instant requestedAt,
                                   @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String requestedBy) {
    }

    @Schema(name = "DeletionOperationPreview")
    public record Preview(UUID previewToken, Instant expiresAt,
                          @ArraySchema(maxItems = MAX_ACCOUNTS) List<OperationAccount> accounts,
                          Map<Plan, Long> countsByPlan, BigDecimal monthlyValueAtRisk,
                          @ArraySchema(maxItems = MAX_ACCOUNTS) List<UUID> alreadyPurged) {
    }

    @Schema(name = "DeletionOperationCancelled")
    public record Cancelled(@ArraySchema(maxItems = MAX_ACCOUNTS) List<UUID> restored,
                            @ArraySchema(maxItems = MAX_ACCOUNTS) List<UUID> alreadyPurged) {
    }

    private record Selection(List<OperationAccount> accounts, List<UUID> purged, Map<Plan, Long> countsByPlan,
                             BigDecimal value, String digest) {
    }

    /** The dry run: nothing changes but a short-lived, single-use token bound to the set it shows. */
    @Transactional
    public Preview preview(Criteria criteria, String actor) {
        Criteria checked = check(criteria);
        Selection selection = select(checked);
        UUID token = UUID.randomUUID();
        Instant expiresAt = clock.instant().plus(settings.previewTtl());
        jdbc.update("delete from deletion_preview where expires_at < now()");
        jdbc.update("insert into deletion_preview (preview_token, criteria, set_digest, account_count, created_by, "
                    + "expires_at, kind) values (?, ?, ?, ?, ?, ?, ?)", token, json.writeValueAsString(checked),
                    selection.digest(), selection.accounts().size(), actor, Timestamp.from(expiresAt), KIND);
        return new Preview(token, expiresAt, selection.accounts(), selection.countsByPlan(), selection.value(),
                           selection.purged());
    }

    /**
     * Restores exactly the previewed set in one transaction, or refuses: unknown, used or expired token, or a set that
     * changed since (an account purged, cancelled or requested again meanwhile).
     */
    @Transactional
    public Cancelled cancel(UUID previewToken, String reason, String actor) {
        AccountRules.check().reason("reason", reason).enforce();
        List<Map<String, Object>> rows = jdbc.queryForList(
                "delete from deletion_preview where preview_token = ? and kind = ? "
                + "returning criteria, set_digest, account_count, expires_at", previewToken, KIND);
        if (rows.isEmpty()) {
            throw new StalePreviewException("Preview token " + previewToken + " is unknown, was already used, or is "
                                            + "not an operation's; preview again");
        }
        Map<String, Object> row = rows.get(0);
        if (((Timestamp) row.get("expires_at")).toInstant().isBefore(clock.instant())) {
            throw new StalePreviewException("Preview token " + previewToken + " expired; preview again");
        }
        Selection now = select(json.readValue((String) row.get("criteria"), Criteria.class));
        if (!now.digest().equals(row.get("set_digest"))) {
            throw new StalePreviewException("The operation's accounts changed since the preview ("
                                            + row.get("account_count") + " in the hold then, "
                                            + now.accounts().size() + " now); nothing was restored, preview again");
        }
        Origin origin = Origin.of(actor);
        List<UUID> restored = new ArrayList<>();
        for (OperationAccount account : now.accounts()) {
            commands.sendAndWait(new CancelAccountDeletionCommand(account.accountId(), reason, actor), origin);
            restored.add(account.accountId());
        }
        return new Cancelled(restored, now.purged());
    }

    private Criteria check(Criteria criteria) {
        if (criteria == null || criteria.requestedBy() == null || criteria.requestedBy().isBlank()
            || criteria.from() == null) {
            throw new InvalidCriteriaException("give requestedBy and from (and optionally to, correlationId, batchId)");
        }
        Instant to = criteria.to() != null ? criteria.to() : clock.instant();
        if (!criteria.from().isBefore(to)) {
            throw new InvalidCriteriaException("from must be before to");
        }
        if (Duration.between(criteria.from(), to).compareTo(MAX_SPAN) > 0) {
            throw new InvalidCriteriaException("from and to may be at most " + MAX_SPAN.toDays() + " days apart");
        }
        if (criteria.requestedBy().length() > Limits.MAX_ACTOR_LENGTH) {
            throw new InvalidCriteriaException("requestedBy is at most " + Limits.MAX_ACTOR_LENGTH + " characters");
        }
        if (criteria.correlationId() != null && criteria.correlationId().length() > Limits.MAX_CORRELATION_ID_LENGTH) {
            throw new InvalidCriteriaException("correlationId is at most " + Limits.MAX_CORRELATION_ID_LENGTH
                                               + " characters");
        }
        return new Criteria(criteria.requestedBy(), criteria.from(), to, criteria.correlationId(), criteria.batchId());
    }

    /**
     * The accounts whose current (or, once purged, last) deletion request matches: still in its hold → restorable;
     * purged by it → listed as already purged. An account whose deletion was cancelled since, or requested again by
     * someone else, is not this operation's any more.
     */
    private Selection select(Criteria criteria) {
        Set<UUID> requested = new LinkedHashSet<>();
        events.readOfTypesBetween(Set.of(AccountDeletionRequestedEvent.class), criteria.from(), criteria.to(), event -> {
            AccountDeletionRequestedEvent request = (AccountDeletionRequestedEvent) event.getPayload();
            if (criteria.requestedBy().equals(request.requestedBy())
                && (criteria.correlationId() == null
                    || criteria.correlationId().equals(text(event.getMetaData().get(MetaDataKeys.CORRELATION_ID))))
                && (criteria.batchId() == null
                    || criteria.batchId().toString().equals(text(event.getMetaData().get(MetaDataKeys.BATCH_ID))))) {
                requested.add(request.accountId());
            }
        });
        Map<UUID, AccountState> states = accounts.of(requested);
        Instant now = clock.instant();
        List<OperationAccount> inHold = new ArrayList<>();
        List<UUID> purged = new ArrayList<>();
        Map<Plan, Long> counts = new EnumMap<>(Plan.class);
        BigDecimal value = BigDecimal.ZERO;
        MessageDigest digest = sha256();
        for (UUID accountId : requested) {
            AccountState state = states.get(accountId);
            if (!matches(state, criteria)) {
                continue;
            }
            if (state.status() == AccountStatus.PURGED) {
                purged.add(accountId);
            } else if (state.deletionRequested()) {
                inHold.add(new OperationAccount(accountId, state.plan(), state.status(), state.deletionRequestedAt(),
                                                state.requestedBy()));
                counts.merge(state.plan(), 1L, Long::sum);
                value = value.add(policy.valueAtRisk(state, now));
                digest.update((accountId + ":" + state.deletionRequestedAt() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        if (inHold.size() + purged.size() > MAX_ACCOUNTS) {
            throw new InvalidCriteriaException("the requests match " + (inHold.size() + purged.size())
                                               + " accounts, more than the " + MAX_ACCOUNTS
                                               + " one undo handles; narrow from and to and undo in parts");
        }
        return new Selection(inHold, purged, counts, value, HexFormat.of().formatHex(digest.digest()));
    }

    private static boolean matches(AccountState state, Criteria criteria) {
        return state.exists() && state.deletionRequestedAt() != null
               && criteria.requestedBy().equals(state.requestedBy())
               && state.deletionRequestedAt().isAfter(criteria.from())
               && !state.deletionRequestedAt().isAfter(criteria.to())
               && (criteria.correlationId() == null
                   || Objects.equals(criteria.correlationId(), state.requestCorrelation()))
               && (criteria.batchId() == null || criteria.batchId().equals(state.requestBatch()));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
