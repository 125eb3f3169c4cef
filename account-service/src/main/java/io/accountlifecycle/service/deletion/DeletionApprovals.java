package io.accountlifecycle.service.deletion;

import io.accountlifecycle.api.ExpireAccountDeletionApprovalCommand;
import io.accountlifecycle.api.ExpireDeletionBatchCommand;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What waits for a second person, as people work through it: single requests, batches, and operations (a script's
 * requests under one correlation id) grouped so that each is approved or rejected as a whole; and their expiry after
 * {@code account.deletion.approval-ttl}, after which they change nothing.
 */
@Service
public class DeletionApprovals {

    /** Accounts listed per waiting item; a large batch is counted in full and listed in part. */
    static final int MAX_LISTED = 1_000;

    private final DeletionPolicy policy;
    private final DeletionSettings settings;
    private final CommandSender commands;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;

    DeletionApprovals(DeletionPolicy policy, DeletionSettings settings, CommandSender commands, JdbcTemplate jdbc,
                      TransactionTemplate transaction, Clock clock) {
        this.policy = policy;
        this.settings = settings;
        this.commands = commands;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.clock = clock;
    }

    /**
     * One thing waiting for approval.
     *
     * @param kind       {@code BATCH} (approve it as a batch), {@code REQUEST} (one account) or {@code OPERATION}
     *                   (several single requests of one actor under one correlation id)
     * @param accountIds the accounts it would delete (the first thousand of a large batch)
     * @param age        how long it has waited
     * @param expiresAt  when it expires and changes nothing
     */
    @Schema(name = "WaitingApproval")
    public record Waiting(UUID operationId,
                          @Schema(allowableValues = {"BATCH", "REQUEST", "OPERATION"}) String kind,
                          UUID batchId,
                          @Schema(maxLength = Limits.MAX_ACTOR_LENGTH) String requestedBy,
                          @Schema(maxLength = Limits.MAX_CORRELATION_ID_LENGTH) String correlationId,
                          @ArraySchema(maxItems = MAX_LISTED) List<UUID> accountIds,
                          int accounts, BigDecimal monthlyValueAtRisk,
                          @Schema(maxLength = Limits.MAX_REASON_LENGTH) String reason,
                          Instant requestedAt, Duration age, Instant expiresAt) {
    }

    @Schema(name = "ApprovalDecision")
    public record Decided(UUID operationId,
                          @Schema(allowableValues = {"BATCH", "REQUEST", "OPERATION"}) String kind,
                          @Schema(allowableValues = {DeletionPolicy.APPROVED, DeletionPolicy.REJECTED}) String decision,
                          int accounts) {
    }

    private record Row(UUID operationId, UUID accountId, UUID batchId, String requestedBy, String correlationId,
                       String reason, Instant requestedAt, BigDecimal value) {
    }

    /** What waits and has not expired, oldest first: the oldest {@link #MAX_LISTED}. */
    public List<Waiting> waiting() {
        return allWaiting().stream().limit(MAX_LISTED).toList();
    }

    /** Everything that waits and has not expired, oldest first. */
    private List<Waiting> allWaiting() {
        Instant now = clock.instant();
        Map<UUID, List<Row>> byOperation = new LinkedHashMap<>();
        jdbc.query("select operation_id, account_id, batch_id, requested_by, correlation_id, reason, requested_at, "
                   + "monthly_value from deletion_request where decision = ? and requested_at >= ? "
                   + "order by requested_at, id", rs -> {
                       Row row = new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                                         rs.getObject(3, UUID.class), rs.getString(4), rs.getString(5),
                                         rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getBigDecimal(8));
                       byOperation.computeIfAbsent(row.operationId(), id -> new ArrayList<>()).add(row);
                   }, DeletionPolicy.PENDING, Timestamp.from(now.minus(settings.approvalTtl())));
        List<Waiting> waiting = new ArrayList<>();
        byOperation.forEach((operation, rows) -> {
            Row first = rows.get(0);
            String kind = first.batchId() != null ? "BATCH" : rows.size() == 1 ? "REQUEST" : "OPERATION";
            waiting.add(new Waiting(operation, kind, first.batchId(), first.requestedBy(), first.correlationId(),
                                    rows.stream().map(Row::accountId).limit(MAX_LISTED).toList(), rows.size(),
                                    rows.stream().map(Row::value).reduce(BigDecimal.ZERO, BigDecimal::add),
                                    first.reason(), first.requestedAt(), Duration.between(first.requestedAt(), now),
                                    first.requestedAt().plus(settings.approvalTtl())));
        });
        return waiting;
    }

    /** Approves a waiting batch, request or operation as a whole (by someone who did not request it). */
    @Transactional
    public Decided approve(UUID operationId, Origin origin) {
        Waiting what = find(operationId);
        if (what.batchId() != null) {
            policy.approveBatch(what.batchId(), origin.inBatch(what.batchId()));
        } else {
            // One transaction: the requester approving their own request refuses the whole operation.
            pendingAccounts(operationId).forEach(accountId -> policy.approveDeletion(accountId, origin));
        }
        return new Decided(operationId, what.kind(), DeletionPolicy.APPROVED, what.accounts());
    }

    /** Rejects a waiting batch, request or operation as a whole. */
    @Transactional
    public Decided reject(UUID operationId, String reason, Origin origin) {
        Waiting what = find(operationId);
        if (what.batchId() != null) {
            policy.rejectBatch(what.batchId(), reason, origin.inBatch(what.batchId()));
        } else {
            pendingAccounts(operationId).forEach(accountId -> policy.rejectDeletion(accountId, reason, origin));
        }
        return new Decided(operationId, what.kind(), DeletionPolicy.REJECTED, what.accounts());
    }

    /** Every account of the operation still waiting (the list shows the first thousand only). */
    private List<UUID> pendingAccounts(UUID operationId) {
        return jdbc.queryForList("select account_id from deletion_request where operation_id = ? and decision = ? "
                                 + "order by id", UUID.class, operationId, DeletionPolicy.PENDING);
    }

    private Waiting find(UUID operationId) {
        return allWaiting().stream().filter(w -> w.operationId().equals(operationId)).findFirst()
                        .orElseThrow(() -> new AggregateNotFoundException(
                                operationId.toString(), "Nothing waits for approval as operation " + operationId
                                                        + " (decided, expired, or unknown)"));
    }

    /**
     * Expires what waited longer than the approval TTL: the account or batch records it (and stays as it was), the
     * ledger row stops waiting. Each in a transaction of its own; instances may race, the second changes nothing.
     */
    public int expireStale() {
        Instant cutoff = clock.instant().minus(settings.approvalTtl());
        List<Map<String, Object>> stale = jdbc.queryForList(
                "select distinct account_id, batch_id from deletion_request where decision = ? and requested_at < ?",
                DeletionPolicy.PENDING, Timestamp.from(cutoff));
        Origin origin = Origin.system("approval-expiry");
        List<UUID> batches = new ArrayList<>();
        int expired = 0;
        for (Map<String, Object> row : stale) {
            UUID batchId = (UUID) row.get("batch_id");
            UUID accountId = (UUID) row.get("account_id");
            if (batchId != null) {
                if (!batches.contains(batchId)) {
                    batches.add(batchId);
                    transaction.executeWithoutResult(status -> {
                        commands.sendAndWait(new ExpireDeletionBatchCommand(batchId), origin.inBatch(batchId));
                        mark("batch_id = ?", batchId);
                    });
                    expired++;
                }
            } else {
                // The account's own request instant is a moment later than the ledger's: until it too is past the
                // TTL, nothing expires and the row stays, for the next sweep.
                Boolean done = transaction.execute(status -> {
                    Boolean gone = commands.sendAndWait(new ExpireAccountDeletionApprovalCommand(accountId, cutoff),
                                                        origin);
                    if (Boolean.TRUE.equals(gone)) {
                        mark("account_id = ? and batch_id is null", accountId);
                    }
                    return gone;
                });
                if (Boolean.TRUE.equals(done)) {
                    expired++;
                }
            }
        }
        return expired;
    }

    /**
     * Forgets ledger rows no window looks at any more (decided, and older than the longer window): the ledger only
     * bounds what may happen next; what happened is in the events.
     */
    public int prune() {
        Duration longest = settings.actorWindow().compareTo(settings.totalWindow()) > 0 ? settings.actorWindow()
                                                                                         : settings.totalWindow();
        Timestamp before = Timestamp.from(clock.instant().minus(longest).minus(Duration.ofMinutes(1)));
        jdbc.update("delete from deletion_window where minute < ?", before);
        return jdbc.update("delete from deletion_request where decision <> ? and requested_at < ?",
                           DeletionPolicy.PENDING, before);
    }

    private void mark(String where, UUID id) {
        jdbc.update("update deletion_request set decision = ?, decided_by = 'system:approval-expiry', decided_at = ? "
                    + "where decision = ? and " + where, DeletionPolicy.EXPIRED, Timestamp.from(clock.instant()),
                    DeletionPolicy.PENDING, id);
    }
}
