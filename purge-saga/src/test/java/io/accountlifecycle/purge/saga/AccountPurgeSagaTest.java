package io.accountlifecycle.purge.saga;

import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountErasureDeadlineExtendedEvent;
import io.accountlifecycle.api.AccountLegalHoldLiftedEvent;
import io.accountlifecycle.api.AccountPurgeExpeditedEvent;
import io.accountlifecycle.api.DeletionKind;
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
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

class AccountPurgeSagaTest {

    private static final UUID ID = UUID.fromString("3f1c2a9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b");
    private static final Duration HOLD = Duration.ofDays(30);

    private SagaTestFixture<AccountPurgeSaga> fixture;
    private final AtomicBoolean paused = new AtomicBoolean();

    @BeforeEach
    void setUp() {
        fixture = new SagaTestFixture<>(AccountPurgeSaga.class);
        fixture.registerCommandGateway(CommandGateway.class);
        fixture.registerResource(new PurgeSettings(HOLD, Duration.ofMinutes(1)));
        fixture.registerResource((PurgePause) paused::get);
    }

    private Instant due() {
        return fixture.currentTime().plus(HOLD);
    }

    @Test
    void aDeletionRequestQuarantinesForTheHold() {
        fixture.givenNoPriorActivity()
               .whenAggregate(ID.toString()).publishes(new AccountDeletionRequestedEvent(ID, "closing", "alice"))
               .expectActiveSagas(1)
               .expectDispatchedCommands(new QuarantineAccountCommand(ID, due()));
    }

    @Test
    void theHoldElapsingPurgesTheAccount() {
        Instant due = due();
        fixture.givenAggregate(ID.toString()).published(new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                                                        new AccountQuarantinedEvent(ID, due))
               .whenTimeElapses(HOLD)
               .expectDispatchedCommands(new PurgeAccountCommand(ID))
               .expectNoScheduledDeadlines();
    }

    @Test
    void nothingIsPurgedBeforeTheHoldEnds() {
        Instant due = due();
        fixture.givenAggregate(ID.toString()).published(new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                                                        new AccountQuarantinedEvent(ID, due))
               .whenTimeElapses(HOLD.minusSeconds(1))
               .expectNoDispatchedCommands()
               .expectScheduledDeadlineWithName(due, AccountPurgeSaga.PURGE_DEADLINE);
    }

    @Test
    void cancellingWithinTheHoldEndsTheSagaWithoutAPurge() {
        Instant due = due();
        fixture.givenAggregate(ID.toString()).published(new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                                                        new AccountQuarantinedEvent(ID, due))
               .whenAggregate(ID.toString()).publishes(new AccountDeletionCancelledEvent(ID, "mistake", "admin"))
               .expectActiveSagas(0)
               .expectNoScheduledDeadlines()
               .expectNoDispatchedCommands();
    }

    @Test
    void aHoldThatEndsWhilePausedIsDeferredAndPurgedOnResume() throws Exception {
        Instant due = due();
        paused.set(true);
        fixture.givenAggregate(ID.toString()).published(new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                                                        new AccountQuarantinedEvent(ID, due))
               .andThenTimeElapses(HOLD)
               .whenPublishingA(new PurgesResumedEvent(PurgesPausedEvent.PURGE_CONTROL_ID, "all clear", "admin"))
               .expectDispatchedCommands(new PurgeAccountCommand(ID))
               .expectNoScheduledDeadlines();
    }

    @Test
    void whilePausedTheHoldEndingPurgesNothing() {
        Instant due = due();
        paused.set(true);
        fixture.givenAggregate(ID.toString()).published(new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                                                        new AccountQuarantinedEvent(ID, due))
               .whenTimeElapses(HOLD.plusMinutes(5))
               .expectNoDispatchedCommands()
               .expectActiveSagas(1);
    }

    @Test
    void aRefusedPurgeIsRetriedLaterInsteadOfStoppingTheSaga() {
        Instant due = due();
        fixture.setCallbackBehavior((command, metaData) -> {
            if (command instanceof PurgeAccountCommand) {
                throw new IllegalStateException("not quarantined any more");
            }
            return null;
        });
        fixture.givenAggregate(ID.toString()).published(new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                                                        new AccountQuarantinedEvent(ID, due))
               .whenTimeElapses(HOLD)
               .expectDispatchedCommands(new PurgeAccountCommand(ID))
               .expectActiveSagas(1)
               .expectScheduledDeadlineWithName(due.plus(Duration.ofMinutes(1)), AccountPurgeSaga.PURGE_DEADLINE);
    }

    @Test
    void theSagaEndsWhenTheAccountIsPurged() {
        Instant due = due();
        fixture.givenAggregate(ID.toString()).published(new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                                                        new AccountQuarantinedEvent(ID, due))
               .whenAggregate(ID.toString()).publishes(new AccountPurgedEvent(ID))
               .expectActiveSagas(0)
               .expectNoScheduledDeadlines();
    }

    private AccountDeletionRequestedEvent erasure(Instant deadline) {
        return new AccountDeletionRequestedEvent(ID, "erase me", "alice", DeletionKind.ERASURE,
                                                 fixture.currentTime(), deadline);
    }

    @Test
    void anErasureIsHeldNoLongerThanItsDeadline() {
        Instant deadline = fixture.currentTime().plus(Duration.ofDays(5));
        fixture.givenNoPriorActivity()
               .whenAggregate(ID.toString()).publishes(erasure(deadline))
               .expectDispatchedCommands(new QuarantineAccountCommand(ID, deadline));
    }

    @Test
    void anErasureWhoseDeadlineComesDuringAPauseIsPurgedAtItsDeadline() throws Exception {
        Instant deadline = fixture.currentTime().plus(Duration.ofDays(5));
        paused.set(true);
        fixture.givenAggregate(ID.toString()).published(erasure(deadline), new AccountQuarantinedEvent(ID, deadline))
               .whenTimeElapses(Duration.ofDays(5))
               .expectDispatchedCommands(new PurgeAccountCommand(ID));
    }

    @Test
    void anErasureDueBeforeItsDeadlineWaitsForThePauseButNotPastTheDeadline() throws Exception {
        Instant due = fixture.currentTime().plus(Duration.ofDays(5));
        Instant deadline = due.plus(Duration.ofSeconds(90));
        paused.set(true);
        fixture.givenAggregate(ID.toString()).published(erasure(deadline), new AccountQuarantinedEvent(ID, due))
               .andThenTimeElapses(Duration.ofDays(5))
               .whenTimeElapses(Duration.ofSeconds(61))
               .expectNoDispatchedCommands()
               .expectScheduledDeadlineWithName(deadline, AccountPurgeSaga.PURGE_DEADLINE);
    }

    @Test
    void anExtendedErasureWaitsForThePauseUntilTheExtendedDeadline() throws Exception {
        Instant deadline = fixture.currentTime().plus(Duration.ofDays(5));
        paused.set(true);
        fixture.givenAggregate(ID.toString()).published(erasure(deadline), new AccountQuarantinedEvent(ID, deadline),
                                                        new AccountErasureDeadlineExtendedEvent(
                                                                ID, deadline.plus(Duration.ofDays(30)), "complex",
                                                                "admin"))
               .whenTimeElapses(Duration.ofDays(5).plusMinutes(5))
               .expectNoDispatchedCommands()
               .expectActiveSagas(1);
    }

    @Test
    void aPurgeBlockedByAHoldWaitsForItsEndAndIsTriedAgainWhenItIsLifted() throws Exception {
        Instant due = due();
        UUID hold = UUID.randomUUID();
        Instant holdEnds = due.plus(Duration.ofDays(10));
        fixture.setCallbackBehavior((command, metaData) -> command instanceof PurgeAccountCommand
                                                           ? new PurgeOutcome(false, List.of(hold), holdEnds) : null);
        fixture.givenAggregate(ID.toString()).published(new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                                                        new AccountQuarantinedEvent(ID, due))
               .andThenTimeElapses(HOLD)
               .whenTimeElapses(Duration.ofDays(1))
               .expectNoDispatchedCommands()
               .expectScheduledDeadlineWithName(holdEnds, AccountPurgeSaga.PURGE_DEADLINE);
    }

    @Test
    void aLiftedHoldTriesABlockedPurgeAgainAtOnce() throws Exception {
        Instant due = due();
        UUID hold = UUID.randomUUID();
        fixture.setCallbackBehavior((command, metaData) -> command instanceof PurgeAccountCommand
                                                           ? new PurgeOutcome(false, List.of(hold), null) : null);
        fixture.givenAggregate(ID.toString()).published(new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                                                        new AccountQuarantinedEvent(ID, due))
               .andThenTimeElapses(HOLD)
               .whenAggregate(ID.toString()).publishes(new AccountLegalHoldLiftedEvent(ID, hold))
               .expectDispatchedCommands(new PurgeAccountCommand(ID))
               .expectNoScheduledDeadlines();
    }

    @Test
    void anExpeditedPurgeRunsAtOnce() {
        Instant due = due();
        fixture.givenAggregate(ID.toString()).published(new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                                                        new AccountQuarantinedEvent(ID, due))
               .whenAggregate(ID.toString()).publishes(new AccountPurgeExpeditedEvent(ID, "bob"))
               .expectDispatchedCommands(new PurgeAccountCommand(ID))
               .expectNoScheduledDeadlines();
    }
}
