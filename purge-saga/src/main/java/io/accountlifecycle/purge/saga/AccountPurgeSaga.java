package io.accountlifecycle.purge.saga;

import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountErasureDeadlineExtendedEvent;
import io.accountlifecycle.api.AccountLegalHoldLiftedEvent;
import io.accountlifecycle.api.AccountPurgeExpeditedEvent;
import io.accountlifecycle.api.PurgeOutcome;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.PurgeAccountCommand;
import io.accountlifecycle.api.PurgesPausedEvent;
import io.accountlifecycle.api.PurgesResumedEvent;
import io.accountlifecycle.api.QuarantineAccountCommand;
import io.accountlifecycle.purge.PurgeSettings;
import io.accountlifecycle.purge.pause.PurgePause;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code DeletionRequested → Quarantined → Purged}, one saga per account. Quarantines on request, schedules the purge
 * at the end of the hold in the persistent deadline manager, cancels it and ends on cancellation, and purges when the
 * hold ends — unless purges are paused, in which case the purge is deferred and runs on resume. An erasure request
 * (the person's own) is held no later than its legal deadline, and its purge runs at that deadline even while purges
 * are paused. A legal hold on the account blocks the purge (the account refuses it and says until when): the saga
 * comes back when the hold is lifted or ends by itself. An early purge approved by a second person runs at once
 * (respecting a pause). Collaborators arrive as handler parameters, so the stored saga is only its own state (ADR 4,
 * ADR 17).
 */
@Saga
public class AccountPurgeSaga {

    public static final String PURGE_DEADLINE = "account-purge";
    private static final Logger log = LoggerFactory.getLogger(AccountPurgeSaga.class);

    private UUID accountId;
    private Instant purgeDueAt;
    private String deadlineId;
    private boolean deferred;
    /** An erasure's deadline (extended, if it was); null for a standard request. */
    private Instant erasureDeadline;
    /** The purge fell due under a legal hold: it is tried again when a hold is lifted or ends. */
    private boolean blocked;

    /**
     * The saga as it stands for an account quarantined until {@code purgeDueAt} whose purge deadline is
     * {@code deadlineId}, an erasure due by {@code erasureDeadline} (null: a standard request): what a restore from
     * Kafka writes back, since replaying the saga's events would send its commands again.
     */
    public static AccountPurgeSaga restored(UUID accountId, Instant purgeDueAt, String deadlineId,
                                            Instant erasureDeadline) {
        AccountPurgeSaga saga = new AccountPurgeSaga();
        saga.accountId = accountId;
        saga.purgeDueAt = purgeDueAt;
        saga.deadlineId = deadlineId;
        saga.erasureDeadline = erasureDeadline;
        return saga;
    }

    /** When the account is purged: at the end of the hold, and for an erasure no later than its deadline. */
    public static Instant purgeDue(Instant requestedAt, Duration hold, Instant erasureDeadline) {
        Instant due = requestedAt.plus(hold);
        return erasureDeadline != null && erasureDeadline.isBefore(due) ? erasureDeadline : due;
    }

    @StartSaga
    @SagaEventHandler(associationProperty = "accountId")
    public void on(AccountDeletionRequestedEvent event, @Timestamp Instant requestedAt, CommandGateway commands,
                   PurgeSettings settings) {
        accountId = event.accountId();
        erasureDeadline = event.erasure() ? event.erasureDeadline() : null;
        try {
            commands.sendAndWait(new QuarantineAccountCommand(accountId, purgeDue(requestedAt, settings.hold(),
                                                                                  erasureDeadline)));
        } catch (RuntimeException refused) {
            // The account moved on (cancelled or purged in between): there is nothing left to hold.
            log.warn("Could not quarantine account {}: {}; ending its purge saga", accountId, refused.getMessage());
            SagaLifecycle.end();
        }
    }

    @SagaEventHandler(associationProperty = "accountId")
    public void on(AccountQuarantinedEvent event, DeadlineManager deadlines) {
        purgeDueAt = event.purgeDueAt();
        deadlineId = deadlines.schedule(purgeDueAt, PURGE_DEADLINE, event.accountId());
        log.info("Purge of account {} scheduled for {}", accountId, purgeDueAt);
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "accountId")
    public void on(AccountDeletionCancelledEvent event, DeadlineManager deadlines) {
        cancelDeadline(deadlines);
    }

    @SagaEventHandler(associationProperty = "accountId")
    public void on(AccountErasureDeadlineExtendedEvent event) {
        erasureDeadline = event.until();
        log.info("Erasure deadline of account {} extended to {}", accountId, erasureDeadline);
    }

    /** A hold was lifted: a purge it blocked is due again (other holds may still block it: the account decides). */
    @SagaEventHandler(associationProperty = "accountId")
    public void on(AccountLegalHoldLiftedEvent event, @Timestamp Instant liftedAt, PurgePause pause,
                   DeadlineManager deadlines, CommandGateway commands, PurgeSettings settings) {
        if (blocked) {
            cancelDeadline(deadlines);
            due(accountId, liftedAt, pause, deadlines, commands, settings);
        }
    }

    /** Two people agreed to purge the account now rather than at the end of its hold. */
    @SagaEventHandler(associationProperty = "accountId")
    public void on(AccountPurgeExpeditedEvent event, @Timestamp Instant approvedAt, PurgePause pause,
                   DeadlineManager deadlines, CommandGateway commands, PurgeSettings settings) {
        log.info("Purge of account {} brought forward, approved by {}", accountId, event.approvedBy());
        cancelDeadline(deadlines);
        due(accountId, approvedAt, pause, deadlines, commands, settings);
    }

    @DeadlineHandler(deadlineName = PURGE_DEADLINE)
    public void holdEnded(UUID account, @Timestamp Instant dueAt, PurgePause pause, DeadlineManager deadlines,
                          CommandGateway commands, PurgeSettings settings) {
        log.info("Hold of account {} ended", account);
        deadlineId = null; // this one has fired
        due(account, dueAt, pause, deadlines, commands, settings);
    }

    /**
     * The purge is due: deferred while purges are paused — except an erasure whose deadline has come, which the law
     * does not let a pause hold back; while paused, an erasure is looked at again no later than its deadline.
     * {@code now} is the instant of the message that made it due (a deadline message's is the instant it was due
     * at), the same clock the deadline manager keeps.
     */
    private void due(UUID account, Instant now, PurgePause pause, DeadlineManager deadlines, CommandGateway commands,
                     PurgeSettings settings) {
        if (pause.isPaused()) {
            Duration untilDeadline = erasureDeadline == null ? null : Duration.between(now, erasureDeadline);
            if (untilDeadline == null || !untilDeadline.isNegative() && !untilDeadline.isZero()) {
                deferred = true;
                SagaLifecycle.associateWith("purgeControlId", PurgesPausedEvent.PURGE_CONTROL_ID);
                Duration retry = settings.pausedRetry();
                if (untilDeadline != null && untilDeadline.compareTo(retry) < 0) {
                    retry = untilDeadline;
                }
                cancelDeadline(deadlines);
                deadlineId = deadlines.schedule(retry, PURGE_DEADLINE, account);
                log.info("Purge of account {} due at {} deferred: purges are paused", account, purgeDueAt);
                return;
            }
            log.warn("Purges are paused, but account {}'s erasure deadline {} has come: purging it", account,
                     erasureDeadline);
        }
        deferred = false;
        purge(commands, deadlines, settings);
    }

    @SagaEventHandler(associationProperty = "purgeControlId")
    public void on(PurgesResumedEvent event, DeadlineManager deadlines, CommandGateway commands,
                   PurgeSettings settings) {
        if (deferred) {
            cancelDeadline(deadlines);
            deferred = false;
            purge(commands, deadlines, settings);
        }
    }

    /**
     * A refused or failed purge never stops the saga's processor: it is tried again later. If the account moved on
     * meanwhile (its deletion was cancelled), that event ends this saga and cancels the retry. A purge blocked by a
     * legal hold waits for the hold to be lifted, or to end by itself if it has an end.
     */
    private void purge(CommandGateway commands, DeadlineManager deadlines, PurgeSettings settings) {
        PurgeOutcome outcome;
        try {
            outcome = commands.sendAndWait(new PurgeAccountCommand(accountId));
        } catch (RuntimeException e) {
            log.warn("Purge of account {} failed ({}); retrying in {}", accountId, e.getMessage(),
                     settings.pausedRetry());
            cancelDeadline(deadlines);
            deadlineId = deadlines.schedule(settings.pausedRetry(), PURGE_DEADLINE, accountId);
            return;
        }
        if (outcome != null && !outcome.purged()) {
            blocked = true;
            cancelDeadline(deadlines);
            if (outcome.blockedUntil() != null) {
                deadlineId = deadlines.schedule(outcome.blockedUntil(), PURGE_DEADLINE, accountId);
            }
            log.info("Purge of account {} blocked by legal holds {} until {}", accountId, outcome.blockedBy(),
                     outcome.blockedUntil() == null ? "their release" : outcome.blockedUntil());
        } else {
            blocked = false;
        }
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "accountId")
    public void on(AccountPurgedEvent event, DeadlineManager deadlines) {
        cancelDeadline(deadlines);
    }

    private void cancelDeadline(DeadlineManager deadlines) {
        if (deadlineId != null) {
            deadlines.cancelSchedule(PURGE_DEADLINE, deadlineId);
            deadlineId = null;
        }
    }
}
