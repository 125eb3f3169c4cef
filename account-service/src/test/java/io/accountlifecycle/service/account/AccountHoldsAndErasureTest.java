package io.accountlifecycle.service.account;

import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountErasureDeadlineExtendedEvent;
import io.accountlifecycle.api.AccountLegalHoldAppliedEvent;
import io.accountlifecycle.api.AccountLegalHoldLiftedEvent;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPurgeBlockedByHoldEvent;
import io.accountlifecycle.api.AccountPurgeExpediteRequestedEvent;
import io.accountlifecycle.api.AccountPurgeExpeditedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.ApplyLegalHoldCommand;
import io.accountlifecycle.api.ApprovePurgeExpediteCommand;
import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.api.ExtendErasureDeadlineCommand;
import io.accountlifecycle.api.LiftLegalHoldCommand;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.PurgeAccountCommand;
import io.accountlifecycle.api.PurgeOutcome;
import io.accountlifecycle.api.RequestAccountDeletionCommand;
import io.accountlifecycle.api.RequestPurgeExpediteCommand;
import io.accountlifecycle.api.SealedValue;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** The account's side of legal holds, erasure requests and expedited purges: what it refuses and records. */
class AccountHoldsAndErasureTest {

    private static final UUID ID = UUID.fromString("3f1c2a9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b");
    private static final UUID HOLD = UUID.fromString("0b6e7c1a-2d3f-4a5b-8c9d-0e1f2a3b4c5d");
    private static final UUID OTHER_HOLD = UUID.fromString("1c7f8d2b-3e4a-4b6c-9d0e-1f2a3b4c5d6e");

    private AggregateTestFixture<Account> fixture;
    private final Instant now = Instant.now();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Account.class);
        fixture.registerInjectableResource(new Breaker());
        fixture.registerInjectableResource(Clock.systemUTC());
        fixture.registerInjectableResource(new ErasureSettings(null, null, null));
    }

    private static AccountOpenedEvent opened() {
        return new AccountOpenedEvent(ID, new SealedValue(ID.toString(), "c-email"),
                                      new SealedValue(ID.toString(), "c-name"), Plan.STANDARD, false);
    }

    private Object[] quarantined(Object... before) {
        Object[] events = new Object[before.length + 3];
        events[0] = opened();
        System.arraycopy(before, 0, events, 1, before.length);
        events[before.length + 1] = new AccountDeletionRequestedEvent(ID, "closing", "alice");
        events[before.length + 2] = new AccountQuarantinedEvent(ID, now);
        return events;
    }

    private Object[] erasureQuarantined(Instant deadline) {
        return new Object[]{opened(), new AccountDeletionRequestedEvent(ID, "erase me", "alice", DeletionKind.ERASURE,
                                                                        now.minus(Duration.ofDays(2)), deadline),
                            new AccountQuarantinedEvent(ID, deadline)};
    }

    @Test
    void aPurgeUnderAHoldIsBlockedRecordedOnceAndAnsweredWithTheHolds() {
        fixture.given(quarantined(new AccountLegalHoldAppliedEvent(ID, HOLD, "Case 1", null)))
               .when(new PurgeAccountCommand(ID))
               .expectEvents(new AccountPurgeBlockedByHoldEvent(ID, List.of(HOLD)))
               .expectResultMessagePayload(new PurgeOutcome(false, List.of(HOLD), null));
        fixture.given(quarantined(new AccountLegalHoldAppliedEvent(ID, HOLD, "Case 1", null)))
               .andGiven(new AccountPurgeBlockedByHoldEvent(ID, List.of(HOLD)))
               .when(new PurgeAccountCommand(ID))
               .expectNoEvents()
               .expectResultMessagePayload(new PurgeOutcome(false, List.of(HOLD), null));
    }

    @Test
    void aPurgeWaitsUntilEveryHoldWithAnEndHasEnded() {
        Instant first = now.plus(Duration.ofDays(1));
        Instant last = now.plus(Duration.ofDays(3));
        fixture.given(quarantined(new AccountLegalHoldAppliedEvent(ID, HOLD, "Case 1", last),
                                  new AccountLegalHoldAppliedEvent(ID, OTHER_HOLD, "Case 2", first)))
               .when(new PurgeAccountCommand(ID))
               .expectResultMessagePayload(new PurgeOutcome(false, List.of(HOLD, OTHER_HOLD), last));
    }

    @Test
    void aLiftedOrEndedHoldLetsThePurgeGo() {
        fixture.given(quarantined(new AccountLegalHoldAppliedEvent(ID, HOLD, "Case 1", null),
                                  new AccountLegalHoldAppliedEvent(ID, OTHER_HOLD, "Case 2", now.minusSeconds(1))))
               .andGiven(new AccountLegalHoldLiftedEvent(ID, HOLD))
               .when(new PurgeAccountCommand(ID))
               .expectEvents(new AccountPurgedEvent(ID))
               .expectResultMessagePayload(PurgeOutcome.PURGED);
    }

    @Test
    void aHoldIsRecordedOnceAndNeverOnAPurgedAccount() {
        fixture.given(opened(), new AccountLegalHoldAppliedEvent(ID, HOLD, "Case 1", null))
               .when(new ApplyLegalHoldCommand(ID, HOLD, "Case 1", null))
               .expectNoEvents();
        fixture.given(quarantined()).andGiven(new AccountPurgedEvent(ID))
               .when(new ApplyLegalHoldCommand(ID, HOLD, "Case 1", null))
               .expectException(AccountPurgedException.class);
        fixture.given(opened())
               .when(new LiftLegalHoldCommand(ID, HOLD))
               .expectNoEvents();
    }

    @Test
    void anAccountRecordsAtMostTheHoldsTheApiStates() {
        List<Object> history = new java.util.ArrayList<>(List.of(opened()));
        for (int i = 0; i < Limits.MAX_LEGAL_HOLDS_PER_ACCOUNT; i++) {
            history.add(new AccountLegalHoldAppliedEvent(ID, UUID.randomUUID(), "Case " + i, null));
        }
        fixture.given(history)
               .when(new ApplyLegalHoldCommand(ID, HOLD, "one too many", null))
               .expectException(AccountRuleViolationException.class);
    }

    @Test
    void anErasureNeedsWhenThePersonAskedAndNotInTheFuture() {
        Instant deadline = now.plus(Duration.ofDays(30));
        fixture.given(opened())
               .when(new RequestAccountDeletionCommand(ID, "erase me", "alice", false, DeletionKind.ERASURE, null,
                                                       deadline))
               .expectException(AccountRuleViolationException.class);
        fixture.given(opened())
               .when(new RequestAccountDeletionCommand(ID, "erase me", "alice", false, DeletionKind.ERASURE,
                                                       now.plusSeconds(600), deadline))
               .expectException(AccountRuleViolationException.class);
        fixture.given(opened())
               .when(new RequestAccountDeletionCommand(ID, "erase me", "alice", false, DeletionKind.ERASURE, now,
                                                       deadline))
               .expectEvents(new AccountDeletionRequestedEvent(ID, "erase me", "alice", DeletionKind.ERASURE, now,
                                                               deadline));
    }

    @Test
    void anExtensionIsBoundedByTwoMonthsAndDecidedBeforeTheDeadline() {
        Instant deadline = now.plus(Duration.ofDays(3));
        Instant latest = deadline.atOffset(ZoneOffset.UTC).plusMonths(2).toInstant();
        fixture.given(erasureQuarantined(deadline))
               .when(new ExtendErasureDeadlineCommand(ID, latest.plusSeconds(1), "complex", "admin"))
               .expectException(AccountRuleViolationException.class);
        fixture.given(erasureQuarantined(deadline))
               .when(new ExtendErasureDeadlineCommand(ID, latest, " ", "admin"))
               .expectException(AccountRuleViolationException.class);
        fixture.given(erasureQuarantined(deadline))
               .when(new ExtendErasureDeadlineCommand(ID, latest, "complex", "admin"))
               .expectEvents(new AccountErasureDeadlineExtendedEvent(ID, latest, "complex", "admin"));
        Instant passed = now.minusSeconds(5);
        fixture.given(erasureQuarantined(passed))
               .when(new ExtendErasureDeadlineCommand(ID, passed.plus(Duration.ofDays(10)), "late", "admin"))
               .expectException(DeletionConflictException.class);
        fixture.given(quarantined())
               .when(new ExtendErasureDeadlineCommand(ID, latest, "not an erasure", "admin"))
               .expectException(DeletionConflictException.class);
    }

    @Test
    void anExpeditedPurgeNeedsASecondPersonAndNoHold() {
        fixture.given(quarantined())
               .when(new RequestPurgeExpediteCommand(ID, "asked for immediate erasure", "alice"))
               .expectEvents(new AccountPurgeExpediteRequestedEvent(ID, "asked for immediate erasure", "alice"));
        fixture.given(quarantined())
               .andGiven(new AccountPurgeExpediteRequestedEvent(ID, "now", "alice"))
               .when(new ApprovePurgeExpediteCommand(ID, "alice"))
               .expectException(SelfApprovalException.class);
        fixture.given(quarantined())
               .andGiven(new AccountPurgeExpediteRequestedEvent(ID, "now", "alice"))
               .when(new ApprovePurgeExpediteCommand(ID, "bob"))
               .expectEvents(new AccountPurgeExpeditedEvent(ID, "bob"));
        fixture.given(quarantined(new AccountLegalHoldAppliedEvent(ID, HOLD, "Case 1", null)))
               .when(new RequestPurgeExpediteCommand(ID, "now", "alice"))
               .expectException(DeletionConflictException.class);
        fixture.given(quarantined())
               .andGiven(new AccountPurgeExpediteRequestedEvent(ID, "now", "alice"),
                         new AccountLegalHoldAppliedEvent(ID, HOLD, "Case 1", null))
               .when(new ApprovePurgeExpediteCommand(ID, "bob"))
               .expectException(DeletionConflictException.class);
        fixture.given(opened())
               .when(new RequestPurgeExpediteCommand(ID, "now", "alice"))
               .expectException(DeletionConflictException.class);
    }
}
