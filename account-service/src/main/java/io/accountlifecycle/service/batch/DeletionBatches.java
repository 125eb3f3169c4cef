package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.CancelAccountDeletionCommand;
import io.accountlifecycle.api.CancelDeletionBatchCommand;
import io.accountlifecycle.api.CreateDeletionBatchCommand;
import io.accountlifecycle.api.DeletionBatchCreatedEvent;
import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.projections.summary.AccountSummaries;
import io.accountlifecycle.projections.summary.DeletionCandidate;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.account.query.AccountStates;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.deletion.DeletionPolicy;
import io.accountlifecycle.service.deletion.DeletionSettings;
import io.accountlifecycle.service.deletion.InvalidCriteriaException;
import io.accountlifecycle.service.deletion.StalePreviewException;
import io.swagger.v3.oas.annotations.media.Schema;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateNotFoundException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Bulk deletion: a dry run that names exactly the accounts it would delete (protected ones left out, with why), a
 * token bound to that set, execution of that set or nothing, and undo of a whole batch in one action.
 */
@Service
public class DeletionBatches {

    private final AccountSummaries summaries;
    private final DeletionSettings settings;
    private final DeletionPolicy policy;
    private final CommandSender commands;
    private final AccountStates accounts;
    private final EventStore events;
    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final Clock clock;

    DeletionBatches(AccountSummaries summaries, DeletionSettings settings, DeletionPolicy policy,
                    CommandSender commands, AccountStates accounts, EventStore events, JdbcTemplate jdbc,
                    JsonMapper json, Clock clock) {
        this.summaries = summaries;
        this.settings = settings;
        this.policy = policy;
        this.commands = commands;
        this.accounts = accounts;
        this.events = events;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** What a bulk deletion selects by: every criterion given must hold. */
    @Schema(name = "DeletionBatchCriteria")
    public record Criteria(List<UUID> accountIds, Instant inactiveSince, List<Plan> plans) {

        boolean empty() {
            return (accountIds == null || accountIds.isEmpty()) && inactiveSince == null
                   && (plans == null || plans.isEmpty());
        }
    }

    @Schema(name = "DeletionBatchPreviewAccount")
    public record PreviewAccount(UUID accountId, Plan plan, Instant lastActivityAt) {
    }

    @Schema(name = "DeletionBatchExclusion")
    public record Excluded(UUID accountId, Plan plan,
                           @Schema(maxLength = Limits.MAX_GENERATED_TEXT_LENGTH) String reason) {
    }

    /**
     * @param approvalRequired whether executing it now would wait for a second admin: above the per-batch thresholds,
     *                         or past the requester's or everyone's window ({@code approvalReason} says which)
     */
    @Schema(name = "DeletionBatchPreview")
    public record Preview(UUID previewToken, Instant expiresAt, List<PreviewAccount> accounts,
                          Map<Plan, Long> countsByPlan, BigDecimal monthlyValueAtRisk, List<Excluded> excluded,
                          boolean approvalRequired) {
    }

    @Schema(name = "DeletionBatchCreated")
    public record Created(UUID batchId, DeletionBatchState state,
                          @Schema(maxLength = Limits.MAX_GENERATED_TEXT_LENGTH) String approvalReason) {
    }

    @Schema(name = "DeletionBatchCancelled")
    public record Cancelled(UUID batchId, int restored, int alreadyPurged) {
    }

    /** The dry run: nothing changes but a short-lived, single-use token. */
    @Transactional
    public Preview preview(Criteria criteria, String actor) {
        Selection selection = select(criteria);
        UUID token = UUID.randomUUID();
        Instant expiresAt = clock.instant().plus(settings.previewTtl());
        jdbc.update("delete from deletion_preview where expires_at < now()");
        jdbc.update("insert into deletion_preview (preview_token, criteria, set_digest, account_count, created_by, "
                    + "expires_at, kind) values (?, ?, ?, ?, ?, ?, 'BATCH')", token,
                    json.writeValueAsString(criteria), selection.digest(), selection.accounts().size(), actor,
                    Timestamp.from(expiresAt));
        return new Preview(token, expiresAt, selection.accounts(), selection.countsByPlan(), selection.value(),
                           selection.excluded(), settings.batchNeedsApproval(selection.accounts().size(),
                                                                             selection.value()));
    }

    /** Executes exactly the previewed set, or refuses: unknown, used or expired token, or a set that changed. */
    @Transactional
    public Created execute(UUID previewToken, String reason, String actor) {
        // Taken out as it is read: a token executes once, also when two requests race with it.
        List<Map<String, Object>> rows = jdbc.queryForList(
                "delete from deletion_preview where preview_token = ? and kind = 'BATCH' "
                + "returning criteria, set_digest, account_count, expires_at", previewToken);
        if (rows.isEmpty()) {
            throw new StalePreviewException("Preview token " + previewToken + " is unknown or was already used; "
                                            + "preview again");
        }
        Map<String, Object> row = rows.get(0);
        Criteria criteria = json.readValue((String) row.get("criteria"), Criteria.class);
        Selection now = select(criteria);
        if (!now.digest().equals(row.get("set_digest"))) {
            throw new StalePreviewException("The accounts matching the preview's criteria changed since the preview ("
                                            + row.get("account_count") + " then, " + now.accounts().size()
                                            + " now); nothing was deleted, preview again");
        }
        if (((Timestamp) row.get("expires_at")).toInstant().isBefore(clock.instant())) {
            throw new StalePreviewException("Preview token " + previewToken + " expired; preview again");
        }
        if (now.accounts().isEmpty()) {
            throw new StalePreviewException("The preview selected no account; there is nothing to delete");
        }
        UUID batchId = UUID.randomUUID();
        Origin origin = Origin.of(actor).inBatch(batchId);
        DeletionPolicy.BatchDecision decision = policy.decideBatch(batchId, now.candidates(), reason, origin);
        commands.sendAndWait(new CreateDeletionBatchCommand(batchId,
                                                            now.accounts().stream().map(PreviewAccount::accountId)
                                                               .toList(),
                                                            reason, actor, now.value(), decision.approvalRequired(),
                                                            criteria.inactiveSince(), criteria.plans()),
                             origin);
        return new Created(batchId, decision.approvalRequired() ? DeletionBatchState.PENDING_APPROVAL
                                                                : DeletionBatchState.IN_PROGRESS,
                           decision.reason());
    }

    /**
     * Undoes a batch in one transaction: every account still in the hold this batch put it in is Active again with
     * all its data (a deletion someone else requested is left alone); the ones already purged are counted.
     */
    @Transactional
    public Cancelled cancel(UUID batchId, String reason, String actor) {
        accounts.lockBatch(batchId);
        DeletionBatchCreatedEvent created = events.readEvents(batchId.toString()).asStream()
                                                  .map(DomainEventMessage::getPayload)
                                                  .filter(DeletionBatchCreatedEvent.class::isInstance)
                                                  .map(DeletionBatchCreatedEvent.class::cast)
                                                  .findFirst()
                                                  .orElseThrow(() -> new AggregateNotFoundException(
                                                          batchId.toString(), "No deletion batch " + batchId));
        Origin origin = Origin.of(actor).inBatch(batchId);
        int restored = 0;
        int purged = 0;
        Map<UUID, AccountState> states = accounts.of(created.accountIds());
        for (UUID accountId : created.accountIds()) {
            AccountState state = states.get(accountId);
            if (state.purgedBy(batchId)) {
                purged++;
            } else if (state.inHoldFor(batchId)) {
                commands.sendAndWait(new CancelAccountDeletionCommand(accountId, reason, actor), origin);
                restored++;
            }
        }
        commands.sendAndWait(new CancelDeletionBatchCommand(batchId, actor, reason, restored, purged), origin);
        return new Cancelled(batchId, restored, purged);
    }

    private record Selection(List<PreviewAccount> accounts, List<DeletionPolicy.Candidate> candidates,
                             Map<Plan, Long> countsByPlan, BigDecimal value, List<Excluded> excluded, String digest) {
    }

    private Selection select(Criteria criteria) {
        if (criteria == null || criteria.empty()) {
            throw new InvalidCriteriaException("give accountIds, inactiveSince and/or plans");
        }
        if ((criteria.plans() != null && criteria.plans().contains(null))
            || (criteria.accountIds() != null && criteria.accountIds().contains(null))) {
            throw new InvalidCriteriaException("plans and accountIds must not contain null");
        }
        if (criteria.plans() != null && criteria.plans().size() > Plan.values().length) {
            throw new InvalidCriteriaException("plans lists at most the " + Plan.values().length + " plans");
        }
        int explicit = criteria.accountIds() == null ? 0 : criteria.accountIds().size();
        if (explicit > settings.maxBatchSize()) {
            throw new InvalidCriteriaException("at most " + settings.maxBatchSize() + " accountIds per batch");
        }
        List<DeletionCandidate> candidates = summaries.deletionCandidates(criteria.accountIds(),
                                                                          criteria.inactiveSince(),
                                                                          criteria.plans(),
                                                                          settings.maxBatchSize() + 1);
        if (candidates.size() > settings.maxBatchSize()) {
            throw new InvalidCriteriaException("the criteria match more than " + settings.maxBatchSize()
                                               + " accounts; narrow them (account.deletion.max-batch-size)");
        }
        List<PreviewAccount> accounts = new ArrayList<>();
        List<DeletionPolicy.Candidate> chosen = new ArrayList<>();
        List<Excluded> excluded = new ArrayList<>();
        Map<Plan, Long> counts = new EnumMap<>(Plan.class);
        BigDecimal value = BigDecimal.ZERO;
        MessageDigest digest = sha256();
        Set<UUID> seen = new HashSet<>();
        // The projection finds candidates fast; each one's history (the source of truth) decides: protection sticks
        // for the look-back, and the value at risk is that of the dearest plan within it.
        Map<UUID, AccountState> states = this.accounts.of(candidates.stream().map(DeletionCandidate::accountId)
                                                                    .toList());
        Instant now = clock.instant();
        for (DeletionCandidate c : candidates) {
            seen.add(c.accountId());
            AccountState state = states.get(c.accountId());
            String reason = exclusion(state, now);
            if (reason != null) {
                excluded.add(new Excluded(c.accountId(), state.exists() ? state.plan() : c.plan(), reason));
                continue;
            }
            BigDecimal risk = policy.valueAtRisk(state, now);
            accounts.add(new PreviewAccount(c.accountId(), state.plan(), c.lastActivityAt()));
            chosen.add(new DeletionPolicy.Candidate(c.accountId(), state.plan(), risk));
            counts.merge(state.plan(), 1L, Long::sum);
            value = value.add(risk);
            digest.update((c.accountId() + ":" + state.plan() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (criteria.accountIds() != null) {
            criteria.accountIds().stream().filter(id -> !seen.contains(id)).distinct()
                    .forEach(id -> excluded.add(new Excluded(id, null, "no such account")));
        }
        return new Selection(accounts, chosen, counts, value, excluded, HexFormat.of().formatHex(digest.digest()));
    }

    private String exclusion(AccountState state, Instant now) {
        if (!state.exists()) {
            return "no such account";
        }
        String held = underLegalHold(state, now);
        if (held != null) {
            return held;
        }
        String protection = policy.protectedReason(state, now);
        if (protection != null) {
            return protection;
        }
        if (state.status() != AccountStatus.ACTIVE) {
            return "already " + state.status();
        }
        if (state.deletionRequested() || state.awaitingApproval()) {
            return "deletion already requested";
        }
        return null;
    }

    /**
     * Why a bulk deletion leaves the account out because legal holds cover it ("under legal hold …"), or null. A
     * single request may still quarantine a held account (its purge waits for the hold); a batch does not take it.
     */
    static String underLegalHold(AccountState state, Instant now) {
        var holds = state.holdsInForce(now);
        return holds.isEmpty() ? null : "under legal hold " + holds.stream().map(UUID::toString)
                                                               .collect(Collectors.joining(", "));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
