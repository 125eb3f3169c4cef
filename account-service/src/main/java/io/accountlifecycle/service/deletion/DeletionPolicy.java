package io.accountlifecycle.service.deletion;

import io.accountlifecycle.api.ApproveAccountDeletionCommand;
import io.accountlifecycle.api.ApproveDeletionBatchCommand;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.RejectAccountDeletionCommand;
import io.accountlifecycle.api.RejectDeletionBatchCommand;
import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.api.RequestAccountDeletionCommand;
import io.accountlifecycle.service.account.ErasureSettings;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.account.DeletionConflictException;
import io.accountlifecycle.service.account.DeletionSafeguards;
import io.accountlifecycle.service.account.query.AccountHistory;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Timestamp;
import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The one deletion policy, whatever the door: a single request over HTTP or Kafka, a batch, an approval. Every
 * {@link RequestAccountDeletionCommand} is sent from here (an architecture test holds to it), after the checks every
 * door shares:
 * <ul>
 *   <li>the breaker: refused while open, and opened by a request above the rate;</li>
 *   <li>sticky protection: an account flagged protected or on a protected plan at any point within the protection
 *       look-back needs a second person's approval (and never enters a batch);</li>
 *   <li>blast radius over rolling windows: what one actor, and everyone together, had deleted on their own authority
 *       within the window, with this request, must stay within the thresholds, or the request waits for approval.</li>
 * </ul>
 * Decisions are serialised across instances by one transaction-level advisory lock and recorded in the
 * {@code deletion_request} ledger, with running totals per actor and minute in {@code deletion_window}: a single
 * request reserves its place in a short transaction of its own before it is sent (and gives it back if it fails), a
 * batch decides in its own transaction. Many requests at once, on any number of instances, never get past a
 * threshold together.
 */
@Component
public class DeletionPolicy implements DeletionSafeguards, DisposableBean {

    /** Went ahead on the requester's authority alone: counts against the windows. */
    static final String ALONE = "ALONE";
    static final String PENDING = "PENDING_APPROVAL";
    static final String APPROVED = "APPROVED";
    static final String REJECTED = "REJECTED";
    static final String EXPIRED = "EXPIRED";
    private static final String ACTOR = "ACTOR";
    private static final String TOTAL = "TOTAL";
    /** The advisory lock every deletion decision holds until its transaction ends. */
    private static final long DECISION_LOCK = 0x44656c6574696f6eL;

    private final CommandSender commands;
    private final AccountHistory history;
    private final DeletionBreakerGuard breaker;
    private final DeletionSettings settings;
    private final Duration lookBack;
    private final JdbcTemplate jdbc;
    private final DataSource mainPool;
    private final DataSource ledgerPool;
    /** The ledger on the policy's own connections, for reservations. */
    private final JdbcTemplate ledger;
    private final TransactionTemplate reservations;
    private final Clock clock;
    private final ErasureSettings erasureSettings;

    DeletionPolicy(CommandSender commands, AccountHistory history, DeletionBreakerGuard breaker,
                   DeletionSettings settings, @Value("${account.purge.hold:P30D}") Duration hold, JdbcTemplate jdbc,
                   DataSource dataSource, Clock clock, ErasureSettings erasureSettings) {
        this.erasureSettings = erasureSettings;
        this.mainPool = dataSource;
        this.ledgerPool = ownPool(dataSource);
        this.ledger = new JdbcTemplate(ledgerPool);
        this.reservations = new TransactionTemplate(new DataSourceTransactionManager(ledgerPool));
        this.commands = commands;
        this.history = history;
        this.breaker = breaker;
        this.settings = settings;
        this.lookBack = settings.protectionLookBack() != null ? settings.protectionLookBack() : hold;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** One account of a deletion: what it puts at risk a month. */
    public record Candidate(UUID accountId, Plan plan, BigDecimal monthlyValue) {
    }

    /** What a batch's creation was decided: go ahead, or wait for approval and why. */
    public record BatchDecision(boolean approvalRequired, String reason) {
    }

    @Override
    @Transactional
    public String requestDeletion(UUID accountId, String reason, DeletionKind kind, Instant receivedAt,
                                  Origin origin) {
        // The breaker need not be exact, and an account's history only grows, so protection read a moment early is
        // still protection: neither waits for the lock.
        breaker.check();
        Instant now = clock.instant();
        AccountState state = history.currentState(accountId).orElse(AccountState.NONE);
        Candidate candidate = new Candidate(accountId, state.plan(), valueAtRisk(state, now));
        String waitsBecause = state.exists() ? protectedReason(state, now) : null;
        Long reserved = null;
        if (waitsBecause == null && state.exists()) {
            Reservation reservation = reserve(candidate, origin, reason, now);
            waitsBecause = reservation.waitsBecause();
            reserved = reservation.row();
        }
        try {
            // The account refuses what it cannot do (no such account, not active, already requested).
            boolean erasure = kind == DeletionKind.ERASURE;
            // Default: now, at the precision stored instants have (milliseconds), like every other in the answers.
            Instant asked = erasure && receivedAt == null ? now.truncatedTo(ChronoUnit.MILLIS) : receivedAt;
            commands.sendAndWait(new RequestAccountDeletionCommand(accountId, reason, origin.actor(),
                                                                   waitsBecause != null, erasure ? kind : null, asked,
                                                                   erasure && asked != null
                                                                   ? erasureSettings.deadlineFor(asked) : null), origin);
        } catch (RuntimeException refused) {
            release(reserved);
            throw refused;
        }
        if (reserved != null) {
            releaseIfRolledBack(reserved);
        } else {
            record(jdbc, List.of(candidate), origin, null, reason, now, PENDING);
        }
        return waitsBecause;
    }

    /** A single request's place in the windows: its ledger row, or why it must wait instead. */
    private record Reservation(Long row, String waitsBecause) {
    }

    /**
     * Decides a single request against the windows and, when it may go ahead, takes its place in them — in a short
     * transaction of its own on the policy's own connections, committed before the request is sent: decisions are
     * serialised only for these few statements, not for the whole request, and a request in flight already counts
     * for the next decision. A request that then fails gives its place back ({@link #release}); one that never
     * finishes (a crash in between) keeps it until the window passes, which errs on the safe side.
     */
    private Reservation reserve(Candidate candidate, Origin origin, String reason, Instant now) {
        return reservations.execute(status -> {
            lock(ledger);
            String crossed = crossedThreshold(ledger, origin.actor(), 1, candidate.monthlyValue(), now);
            if (crossed != null) {
                return new Reservation(null, crossed);
            }
            Long row = ledger.queryForObject(
                    "insert into deletion_request (account_id, requested_by, correlation_id, batch_id, reason, "
                    + "requested_at, plan, monthly_value, decision, operation_id) values (?, ?, ?, null, ?, ?, ?, ?, ?, ?) "
                    + "returning id", Long.class, candidate.accountId(), origin.actor(), origin.correlationId(), reason,
                    Timestamp.from(now), candidate.plan() == null ? null : candidate.plan().name(),
                    candidate.monthlyValue(), ALONE, operationOf(origin, null));
            count(ledger, origin.actor(), now, 1, candidate.monthlyValue());
            return new Reservation(row, null);
        });
    }

    private void release(Long row) {
        if (row == null) {
            return;
        }
        reservations.executeWithoutResult(status -> ledger.query(
                "delete from deletion_request where id = ? returning requested_by, requested_at, monthly_value",
                rs -> {
                    count(ledger, rs.getString(1), rs.getTimestamp(2).toInstant(), -1,
                          rs.getBigDecimal(3).negate());
                }, row));
    }

    /** The request's transaction may still roll back after it was sent (a later statement failing): then give back. */
    private void releaseIfRolledBack(long row) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status == STATUS_ROLLED_BACK) {
                        release(row);
                    }
                }
            });
        }
    }

    @Override
    @Transactional
    public void approveDeletion(UUID accountId, Origin origin) {
        // No lock: what a second person approved counts against no one's window.
        breaker.check();
        history.currentState(accountId).map(AccountState::approval).ifPresent(approval -> {
            if (approval.requestedAt() != null
                && approval.requestedAt().plus(settings.approvalTtl()).isBefore(clock.instant())) {
                throw new DeletionConflictException("The deletion of account " + accountId + " waited for approval "
                                                    + "longer than " + settings.approvalTtl() + " and expired; "
                                                    + "request it again");
            }
        });
        commands.sendAndWait(new ApproveAccountDeletionCommand(accountId, origin.actor()), origin);
        decide(accountId, APPROVED, origin.actor());
    }

    @Override
    @Transactional
    public void rejectDeletion(UUID accountId, String reason, Origin origin) {
        commands.sendAndWait(new RejectAccountDeletionCommand(accountId, origin.actor(), reason), origin);
        decide(accountId, REJECTED, origin.actor());
    }

    @Override
    public boolean breakerOpen() {
        return breaker.isOpen();
    }

    @Override
    public String protectedReason(AccountState state) {
        return protectedReason(state, clock.instant());
    }

    /**
     * Decides a batch about to be created from a preview: it waits for approval above the per-batch thresholds, or
     * when it would take its requester or everyone past a window's threshold (so splitting a clean-up into small
     * batches buys nothing). Records its accounts in the ledger either way, in the caller's transaction.
     */
    @Transactional
    public BatchDecision decideBatch(UUID batchId, List<Candidate> accounts, String reason, Origin origin) {
        lock(jdbc);
        Instant now = clock.instant();
        BigDecimal value = accounts.stream().map(Candidate::monthlyValue).reduce(BigDecimal.ZERO, BigDecimal::add);
        String waitsBecause = settings.batchNeedsApproval(accounts.size(), value)
                              ? accounts.size() + " accounts, " + value + " a month: above the per-batch thresholds ("
                                + settings.approvalAboveAccounts() + " accounts, " + settings.approvalAboveMonthlyValue()
                                + ")"
                              : crossedThreshold(jdbc, origin.actor(), accounts.size(), value, now);
        record(jdbc, accounts, origin, batchId, reason, now, waitsBecause == null ? ALONE : PENDING);
        if (waitsBecause == null) {
            count(jdbc, origin.actor(), now, accounts.size(), value);
        }
        return new BatchDecision(waitsBecause != null, waitsBecause);
    }

    /** A second person lets a waiting batch go ahead (refused when it waited longer than the approval TTL). */
    @Transactional
    public void approveBatch(UUID batchId, Origin origin) {
        Timestamp requestedAt = jdbc.queryForObject("select min(requested_at) from deletion_request where batch_id = ? "
                                                    + "and decision = ?", Timestamp.class, batchId, PENDING);
        if (requestedAt != null && requestedAt.toInstant().plus(settings.approvalTtl()).isBefore(clock.instant())) {
            throw new DeletionConflictException("Batch " + batchId + " waited for approval longer than "
                                                + settings.approvalTtl() + " and expired; preview it again");
        }
        commands.sendAndWait(new ApproveDeletionBatchCommand(batchId, origin.actor()), origin);
        decideBatchRows(batchId, APPROVED, origin.actor());
    }

    @Transactional
    public void rejectBatch(UUID batchId, String reason, Origin origin) {
        commands.sendAndWait(new RejectDeletionBatchCommand(batchId, origin.actor(), reason), origin);
        decideBatchRows(batchId, REJECTED, origin.actor());
    }

    /**
     * Sends the deletion requests of a chunk of a batch that may go ahead (created within the thresholds, or
     * approved): refused while the breaker is open, and held back while the minute has no room for the chunk. Which accounts still qualify is the batch's call
     * ({@link #protectedReason} is the policy's part of it).
     */
    public void requestForBatch(Collection<UUID> accountIds, String reason, String requestedBy, Origin origin) {
        if (accountIds.isEmpty()) {
            return;
        }
        breaker.checkRoom(accountIds.size());
        for (UUID accountId : accountIds) {
            commands.sendAndWait(new RequestAccountDeletionCommand(accountId, reason, requestedBy), origin);
        }
    }

    /**
     * Why the account counts as protected (flagged or on a protected plan at any point within the look-back), or
     * null.
     */
    public String protectedReason(AccountState state, Instant now) {
        return state.protectedSince(settings.protectedPlans(), now.minus(lookBack));
    }

    /** What deleting the account risks a month: the dearest plan it was on within the look-back. */
    public BigDecimal valueAtRisk(AccountState state, Instant now) {
        return state.plansSince(now.minus(lookBack)).stream().map(settings::priceOf).max(Comparator.naturalOrder())
                    .orElse(BigDecimal.ZERO);
    }

    /** Whether {@code accounts} more, risking {@code value}, would take the actor or everyone past a threshold. */
    private String crossedThreshold(JdbcTemplate sql, String actor, int accounts, BigDecimal value, Instant now) {
        Window mine = window(sql, actor, now.minus(settings.actorWindow()));
        if (mine.accounts() + accounts > settings.actorMaxAccounts()) {
            return "with it, " + actor + " would have had " + (mine.accounts() + accounts) + " accounts deleted "
                   + "within " + settings.actorWindow() + " without approval (account.deletion.actor-max-accounts "
                   + settings.actorMaxAccounts() + ")";
        }
        if (mine.value().add(value).compareTo(settings.actorMaxMonthlyValue()) > 0) {
            return "with it, " + actor + " would have put " + mine.value().add(value) + " a month at risk within "
                   + settings.actorWindow() + " without approval (account.deletion.actor-max-monthly-value "
                   + settings.actorMaxMonthlyValue() + ")";
        }
        Window all = window(sql, null, now.minus(settings.totalWindow()));
        if (all.accounts() + accounts > settings.totalMaxAccounts()) {
            return "with it, " + (all.accounts() + accounts) + " accounts would have been deleted within "
                   + settings.totalWindow() + " without approval (account.deletion.total-max-accounts "
                   + settings.totalMaxAccounts() + ")";
        }
        if (all.value().add(value).compareTo(settings.totalMaxMonthlyValue()) > 0) {
            return "with it, " + all.value().add(value) + " a month would have been put at risk within "
                   + settings.totalWindow() + " without approval (account.deletion.total-max-monthly-value "
                   + settings.totalMaxMonthlyValue() + ")";
        }
        return null;
    }

    private record Window(long accounts, BigDecimal value) {
    }

    private Window window(JdbcTemplate sql, String actor, Instant since) {
        return sql.queryForObject("select coalesce(sum(accounts), 0), coalesce(sum(monthly_value), 0) "
                                  + "from deletion_window where kind = ? and actor = ? "
                                  + "and minute >= date_trunc('minute', ?::timestamptz)",
                                  (rs, i) -> new Window(rs.getLong(1), rs.getBigDecimal(2)),
                                  actor == null ? TOTAL : ACTOR, actor == null ? "" : actor, Timestamp.from(since));
    }

    /** Adds what went ahead alone (or, negative, gives it back) to the actor's and everyone's running totals. */
    private static void count(JdbcTemplate sql, String actor, Instant at, long accounts, BigDecimal value) {
        String upsert = "insert into deletion_window (kind, actor, minute, accounts, monthly_value) "
                        + "values (?, ?, date_trunc('minute', ?::timestamptz), ?, ?) on conflict (kind, actor, minute) "
                        + "do update set accounts = deletion_window.accounts + excluded.accounts, "
                        + "monthly_value = deletion_window.monthly_value + excluded.monthly_value";
        sql.update(upsert, ACTOR, actor, Timestamp.from(at), accounts, value);
        sql.update(upsert, TOTAL, "", Timestamp.from(at), accounts, value);
    }

    /**
     * The operation a request belongs to: its batch; else its actor and correlation id when the caller gave one (a
     * script's many calls under one {@code X-Correlation-Id}); else the request alone.
     */
    static UUID operationOf(Origin origin, UUID batchId) {
        if (batchId != null) {
            return batchId;
        }
        if (origin.correlationId() != null) {
            return UUID.nameUUIDFromBytes((origin.actor() + "\n" + origin.correlationId())
                                                  .getBytes(StandardCharsets.UTF_8));
        }
        return UUID.randomUUID();
    }

    private void record(JdbcTemplate sql, List<Candidate> accounts, Origin origin, UUID batchId, String reason,
                        Instant at, String decision) {
        UUID operation = operationOf(origin, batchId);
        sql.batchUpdate("insert into deletion_request (account_id, requested_by, correlation_id, batch_id, reason, "
                         + "requested_at, plan, monthly_value, decision, operation_id) "
                         + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         accounts.stream().map(c -> new Object[] {
                                 c.accountId(), origin.actor(), origin.correlationId(), batchId, reason,
                                 Timestamp.from(at), c.plan() == null ? null : c.plan().name(), c.monthlyValue(),
                                 decision, operation}).toList());
    }

    private void decide(UUID accountId, String decision, String by) {
        jdbc.update("update deletion_request set decision = ?, decided_by = ?, decided_at = ? where account_id = ? "
                    + "and decision = ? and batch_id is null", decision, by, Timestamp.from(clock.instant()),
                    accountId, PENDING);
    }

    private void decideBatchRows(UUID batchId, String decision, String by) {
        jdbc.update("update deletion_request set decision = ?, decided_by = ?, decided_at = ? where batch_id = ? "
                    + "and decision = ?", decision, by, Timestamp.from(clock.instant()), batchId, PENDING);
    }

    /** Serialises every deletion decision, on every instance, until the transaction of {@code sql} ends. */
    private static void lock(JdbcTemplate sql) {
        sql.query("select pg_advisory_xact_lock(?)", row -> { }, DECISION_LOCK);
    }

    /**
     * A pool of two connections for reservations: a request holding a connection of the main pool waits for one of
     * these, never the other way round, so a burst of deletions cannot starve the main pool into a deadlock.
     */
    private static DataSource ownPool(DataSource main) {
        try {
            if (main.isWrapperFor(HikariDataSource.class)) {
                HikariConfig config = new HikariConfig();
                main.unwrap(HikariDataSource.class).copyStateTo(config);
                config.setPoolName("deletion-policy");
                config.setMaximumPoolSize(2);
                config.setMinimumIdle(0);
                config.setMetricRegistry(null);
                config.setMetricsTrackerFactory(null);
                config.setHealthCheckRegistry(null);
                return new HikariDataSource(config);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return main;
    }

    @Override
    public void destroy() {
        if (ledgerPool instanceof HikariDataSource own && ledgerPool != mainPool) {
            own.close();
        }
    }
}
