package io.accountlifecycle.purge.saga;

import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
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

import java.time.Instant;
import java.util.UUID;

/**
 * {@code DeletionRequested → Quarantined → Purged}, one saga per account. Quarantines on request, schedules the purge
 * at the end of the hold in the persistent deadline manager, cancels it and ends on cancellation, and purges when the
 * hold ends — unless purges are paused, in which case the purge is deferred and runs on resume. Collaborators arrive
 * as handler parameters, so the stored saga is only its own state.
 */
@Saga
public class AccountPurgeSaga {

    public static final String PURGE_DEADLINE = "account-purge";
    private static final Logger log = LoggerFactory.getLogger(AccountPurgeSaga.class);

    private UUID accountId;
    private Instant purgeDueAt;
    private String deadlineId;
    private boolean deferred;

    /**
     * The saga as it stands for an account quarantined until {@code purgeDueAt} whose purge deadline is
     * {@code deadlineId}: what a restore from Kafka writes back, since replaying the saga's events would send its
     * commands again.
     */
    public static AccountPurgeSaga restored(UUID accountId, Instant purgeDueAt, String deadlineId) {
        AccountPurgeSaga saga = new AccountPurgeSaga();
        saga.accountId = accountId;
        saga.purgeDueAt = purgeDueAt;
        saga.deadlineId = deadlineId;
        return saga;
    }

    @StartSaga
    @SagaEventHandler(associationProperty = "accountId")
    public void on(AccountDeletionRequestedEvent event, @Timestamp Instant requestedAt, CommandGateway commands,
                   PurgeSettings settings) {
        accountId = event.accountId();
        try {
            commands.sendAndWait(new QuarantineAccountCommand(accountId, requestedAt.plus(settings.hold())));
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

    @DeadlineHandler(deadlineName = PURGE_DEADLINE)
    public void holdEnded(UUID account, PurgePause pause, DeadlineManager deadlines, CommandGateway commands,
                          PurgeSettings settings) {
        log.info("Hold of account {} ended", account);
        if (pause.isPaused()) {
            deferred = true;
            SagaLifecycle.associateWith("purgeControlId", PurgesPausedEvent.PURGE_CONTROL_ID);
            deadlineId = deadlines.schedule(settings.pausedRetry(), PURGE_DEADLINE, account);
            log.info("Purge of account {} due at {} deferred: purges are paused", account, purgeDueAt);
            return;
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
     * meanwhile (its deletion was cancelled), that event ends this saga and cancels the retry.
     */
    private void purge(CommandGateway commands, DeadlineManager deadlines, PurgeSettings settings) {
        try {
            commands.sendAndWait(new PurgeAccountCommand(accountId));
        } catch (RuntimeException e) {
            log.warn("Purge of account {} failed ({}); retrying in {}", accountId, e.getMessage(),
                     settings.pausedRetry());
            deadlineId = deadlines.schedule(settings.pausedRetry(), PURGE_DEADLINE, accountId);
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
