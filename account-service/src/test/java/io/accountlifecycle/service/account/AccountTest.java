package io.accountlifecycle.service.account;

import java.util.Set;
import io.accountlifecycle.api.AccountDeletionApprovalExpiredEvent;
import io.accountlifecycle.api.ExpireAccountDeletionApprovalCommand;
import io.accountlifecycle.api.AccountProtectionChangedEvent;
import io.accountlifecycle.api.ChangeAccountProtectionCommand;
import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent;
import io.accountlifecycle.api.AccountDeletionApprovedEvent;
import io.accountlifecycle.api.AccountDeletionRejectedEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.ApproveAccountDeletionCommand;
import io.accountlifecycle.api.RejectAccountDeletionCommand;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.CancelAccountDeletionCommand;
import io.accountlifecycle.api.PurgeAccountCommand;
import io.accountlifecycle.api.QuarantineAccountCommand;
import io.accountlifecycle.api.RequestAccountDeletionCommand;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPlanChangedEvent;
import io.accountlifecycle.api.AccountProfileUpdatedEvent;
import io.accountlifecycle.api.ChangeAccountPlanCommand;
import io.accountlifecycle.api.OpenAccountCommand;
import io.accountlifecycle.api.PersonalText;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.RecordAccountActivityCommand;
import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.api.UpdateAccountProfileCommand;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AccountTest {

    private static final UUID ID = UUID.fromString("3f1c2a9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b");
    private static final PersonalText EMAIL = text("ada@example.com", "c-email");
    private static final PersonalText NAME = text("Ada Lovelace", "c-name");
    private static final Instant T1 = Instant.parse("2026-11-01T10:00:00Z");

    private AggregateTestFixture<Account> fixture;
    /** The deletion policy as the aggregate sees it: only whether the breaker is open matters here. */
    private final Breaker breaker = new Breaker();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Account.class);
        fixture.registerInjectableResource(breaker);
        fixture.registerInjectableResource(Clock.systemUTC());
    }

    private static PersonalText text(String plaintext, String ciphertext) {
        return new PersonalText(plaintext, new SealedValue(ID.toString(), ciphertext));
    }

    private static AccountOpenedEvent opened() {
        return new AccountOpenedEvent(ID, EMAIL.sealed(), NAME.sealed(), Plan.PREMIUM, false);
    }

    @Test
    void openingStoresOnlyTheSealedPersonalFields() {
        fixture.givenNoPriorActivity()
               .when(new OpenAccountCommand(ID, EMAIL, NAME, Plan.PREMIUM, true))
               .expectSuccessfulHandlerExecution()
               .expectEvents(new AccountOpenedEvent(ID, EMAIL.sealed(), NAME.sealed(), Plan.PREMIUM, true));
    }

    /**
     * Opening reads nothing of the account's stream: no snapshot, no events, not even its last sequence number. That a
     * second open of the id is refused (by the store's unique key) is proven against PostgreSQL: AccountApiIT,
     * KafkaCommandIntakeIT, AccountSnapshotIT. The plan change after it shows that the spy does see a load.
     */
    @Test
    void openingReadsNothingOfTheAccountsStream() {
        RecordingStorage storage = new RecordingStorage();
        Configuration axon = AccountAxon.start(storage, breaker, new SynchronizationOnlyTransactionManager(),
                                               new CommittedAccounts(0));
        try {
            axon.commandGateway().sendAndWait(new OpenAccountCommand(ID, EMAIL, NAME, Plan.PREMIUM, false));
            assertThat(storage.reads).isEmpty();
            assertThat(storage.readEvents(ID.toString()).asStream().<Object>map(DomainEventMessage::getPayload))
                    .containsExactly(opened());
            storage.reads.clear();

            axon.commandGateway().sendAndWait(new ChangeAccountPlanCommand(ID, Plan.FREE));
            assertThat(storage.reads).contains("events of " + ID + " from 0");
        } finally {
            axon.shutdown();
        }
    }

    @Test
    void cannotOpenWithAnInvalidEmail() {
        fixture.givenNoPriorActivity()
               .when(new OpenAccountCommand(ID, text("not-an-email", "x"), NAME, Plan.FREE, false))
               .expectException(AccountRuleViolationException.class)
               .expectExceptionMessage("Invalid account fields: email")
               .expectNoEvents();
    }

    @Test
    void cannotOpenWithAnOverlongEmail() {
        String local = "a".repeat(AccountRules.MAX_EMAIL_LENGTH);
        fixture.givenNoPriorActivity()
               .when(new OpenAccountCommand(ID, text(local + "@example.com", "x"), NAME, Plan.FREE, false))
               .expectException(AccountRuleViolationException.class)
               .expectExceptionMessage("Invalid account fields: email")
               .expectNoEvents();
    }

    @Test
    void cannotOpenWithABlankDisplayName() {
        fixture.givenNoPriorActivity()
               .when(new OpenAccountCommand(ID, EMAIL, text("   ", "x"), Plan.FREE, false))
               .expectException(AccountRuleViolationException.class)
               .expectExceptionMessage("Invalid account fields: displayName")
               .expectNoEvents();
    }

    @Test
    void cannotOpenWithAnOverlongDisplayName() {
        String name = "n".repeat(AccountRules.MAX_DISPLAY_NAME_LENGTH + 1);
        fixture.givenNoPriorActivity()
               .when(new OpenAccountCommand(ID, EMAIL, text(name, "x"), Plan.FREE, false))
               .expectException(AccountRuleViolationException.class)
               .expectExceptionMessage("Invalid account fields: displayName")
               .expectNoEvents();
    }

    @Test
    void cannotOpenWithoutAKnownPlan() {
        fixture.givenNoPriorActivity()
               .when(new OpenAccountCommand(ID, EMAIL, NAME, null, false))
               .expectException(AccountRuleViolationException.class)
               .expectExceptionMessage("Invalid account fields: plan")
               .expectNoEvents();
    }

    @Test
    void everyBrokenFieldIsNamedAtOnce() {
        fixture.givenNoPriorActivity()
               .when(new OpenAccountCommand(ID, text("x", "x"), text("", "y"), null, false))
               .expectException(AccountRuleViolationException.class)
               .expectExceptionMessage("Invalid account fields: email, displayName, plan");
    }

    @Test
    void updatingTheProfileStoresTheNewSealedFields() {
        PersonalText newName = text("Ada King", "c-name-2");
        fixture.given(opened())
               .when(new UpdateAccountProfileCommand(ID, null, newName))
               .expectEvents(new AccountProfileUpdatedEvent(ID, null, newName.sealed()));
    }

    @Test
    void aProfileUpdateMustChangeSomething() {
        fixture.given(opened())
               .when(new UpdateAccountProfileCommand(ID, null, null))
               .expectException(AccountRuleViolationException.class)
               .expectNoEvents();
    }

    @Test
    void aProfileUpdateFollowsTheEmailRule() {
        fixture.given(opened())
               .when(new UpdateAccountProfileCommand(ID, text("@nope", "x"), null))
               .expectException(AccountRuleViolationException.class)
               .expectExceptionMessage("Invalid account fields: email")
               .expectNoEvents();
    }

    @Test
    void changingThePlanRecordsTheOldAndNewPlan() {
        fixture.given(opened())
               .when(new ChangeAccountPlanCommand(ID, Plan.ENTERPRISE))
               .expectEvents(new AccountPlanChangedEvent(ID, Plan.PREMIUM, Plan.ENTERPRISE));
    }

    @Test
    void changingToTheCurrentPlanRecordsNothing() {
        fixture.given(opened())
               .when(new ChangeAccountPlanCommand(ID, Plan.PREMIUM))
               .expectSuccessfulHandlerExecution()
               .expectNoEvents();
    }

    @Test
    void recordingActivityStoresTheInstant() {
        fixture.given(opened())
               .when(new RecordAccountActivityCommand(ID, T1))
               .expectEvents(new AccountActivityRecordedEvent(ID, T1));
    }

    @Test
    void lastActivityNeverMovesBackwards() {
        fixture.given(opened(), new AccountActivityRecordedEvent(ID, T1))
               .when(new RecordAccountActivityCommand(ID, T1.minusSeconds(60)))
               .expectSuccessfulHandlerExecution()
               .expectNoEvents();
    }

    @Test
    void commandsForAnUnknownAccountAreRejected() {
        fixture.givenNoPriorActivity()
               .when(new ChangeAccountPlanCommand(ID, Plan.FREE))
               .expectException(AggregateNotFoundException.class);
    }

    private static final Instant DUE = Instant.parse("2026-12-23T10:00:00Z");

    private static Object[] quarantined() {
        return new Object[]{opened(), new AccountDeletionRequestedEvent(ID, "closing", "alice"),
                            new AccountQuarantinedEvent(ID, DUE)};
    }

    @Test
    void requestingDeletionRecordsWhoAndWhy() {
        fixture.given(opened())
               .when(new RequestAccountDeletionCommand(ID, "customer closed the account", "alice"))
               .expectEvents(new AccountDeletionRequestedEvent(ID, "customer closed the account", "alice"));
    }

    @Test
    void deletingAProtectedAccountWaitsForASecondAdmin() {
        fixture.given(opened())
               .when(new RequestAccountDeletionCommand(ID, "closing", "alice", true))
               .expectEvents(new AccountDeletionApprovalRequestedEvent(ID, "closing", "alice"));
        fixture.given(opened(), new AccountDeletionApprovalRequestedEvent(ID, "closing", "alice"))
               .when(new ApproveAccountDeletionCommand(ID, "alice"))
               .expectException(SelfApprovalException.class)
               .expectNoEvents();
        fixture.given(opened(), new AccountDeletionApprovalRequestedEvent(ID, "closing", "alice"))
               .when(new ApproveAccountDeletionCommand(ID, "bob"))
               .expectEvents(new AccountDeletionApprovedEvent(ID, "bob"),
                             new AccountDeletionRequestedEvent(ID, "closing", "alice"));
        fixture.given(opened(), new AccountDeletionApprovalRequestedEvent(ID, "closing", "alice"))
               .when(new RejectAccountDeletionCommand(ID, "bob", "paying customer"))
               .expectEvents(new AccountDeletionRejectedEvent(ID, "bob", "paying customer"));
        fixture.given(opened(), new AccountDeletionApprovalRequestedEvent(ID, "closing", "alice"))
               .when(new RequestAccountDeletionCommand(ID, "again", "carol", true))
               .expectException(DeletionConflictException.class);
        fixture.given(opened(), new AccountDeletionApprovalRequestedEvent(ID, "closing", "alice"),
                      new AccountDeletionRejectedEvent(ID, "bob", "no"))
               .when(new ApproveAccountDeletionCommand(ID, "carol"))
               .expectException(DeletionConflictException.class);
        fixture.given(opened())
               .when(new ApproveAccountDeletionCommand(ID, "bob"))
               .expectException(DeletionConflictException.class);
    }

    @Test
    void aDeletionNeedsAReason() {
        fixture.given(opened())
               .when(new RequestAccountDeletionCommand(ID, " ", "alice"))
               .expectException(AccountRuleViolationException.class)
               .expectNoEvents();
    }

    @Test
    void aRequestedDeletionIsQuarantinedUntilTheHoldEnds() {
        fixture.given(opened(), new AccountDeletionRequestedEvent(ID, "closing", "alice"))
               .when(new QuarantineAccountCommand(ID, DUE))
               .expectEvents(new AccountQuarantinedEvent(ID, DUE));
    }

    @Test
    void aRequestReachedWhileTheBreakerIsOpenIsWithdrawnNotQuarantined() {
        breaker.open = true;
        fixture.given(opened(), new AccountDeletionRequestedEvent(ID, "closing", "alice"))
               .when(new QuarantineAccountCommand(ID, DUE))
               .expectEvents(new AccountDeletionCancelledEvent(ID, Account.BREAKER_WITHDRAWAL,
                                                               "system:deletion-breaker"));
    }

    @Test
    void protectionIsSetAndRemovedWithAReasonAndSticksInTheState() {
        fixture.given(opened())
               .when(new ChangeAccountProtectionCommand(ID, true, "bob", "key customer"))
               .expectEvents(new AccountProtectionChangedEvent(ID, true, "bob", "key customer"));
        fixture.given(opened(), new AccountProtectionChangedEvent(ID, true, "bob", "key customer"))
               .when(new ChangeAccountProtectionCommand(ID, true, "bob", "again"))
               .expectNoEvents();
        fixture.given(opened())
               .when(new ChangeAccountProtectionCommand(ID, true, "bob", " "))
               .expectException(AccountRuleViolationException.class);
        Instant removedAt = Instant.parse("2026-12-01T10:00:00Z");
        AccountState state = AccountState.NONE
                .after(new AccountOpenedEvent(ID, null, null, Plan.FREE, true), 0, removedAt.minusSeconds(60), null,
                       null)
                .after(new AccountProtectionChangedEvent(ID, false, "admin", "mistake"), 1, removedAt, null, null);
        assertThat(state.protectedAccount()).isFalse();
        assertThat(state.protectedSince(Set.of(Plan.ENTERPRISE), removedAt.minusSeconds(1))).contains("until");
        assertThat(state.protectedSince(Set.of(Plan.ENTERPRISE), removedAt.plusSeconds(1))).isNull();
    }

    @Test
    void aProtectedPlanLeftWithinTheLookBackStillProtects() {
        Instant movedAt = Instant.parse("2026-12-01T10:00:00Z");
        AccountState state = AccountState.NONE
                .after(new AccountOpenedEvent(ID, null, null, Plan.ENTERPRISE, false), 0, movedAt.minusSeconds(60),
                       null, null)
                .after(new AccountPlanChangedEvent(ID, Plan.ENTERPRISE, Plan.FREE), 1, movedAt, null, null);
        assertThat(state.protectedSince(Set.of(Plan.ENTERPRISE), movedAt.minusSeconds(1)))
                .isEqualTo("on protected plan ENTERPRISE until " + movedAt);
        assertThat(state.protectedSince(Set.of(Plan.ENTERPRISE), movedAt.plusSeconds(1))).isNull();
        assertThat(state.plansSince(movedAt.minusSeconds(1))).containsExactlyInAnyOrder(Plan.FREE, Plan.ENTERPRISE);
    }

    @Test
    void anAccountThatBecameProtectedWhileItsDeletionWasDecidedRefusesARequestThatDoesNotWait() {
        fixture.given(opened(), new AccountProtectionChangedEvent(ID, true, "bob", "key customer"))
               .when(new RequestAccountDeletionCommand(ID, "clean-up", "script"))
               .expectException(DeletionConflictException.class)
               .expectNoEvents();
        fixture.given(opened(), new AccountPlanChangedEvent(ID, Plan.FREE, Plan.ENTERPRISE))
               .when(new RequestAccountDeletionCommand(ID, "clean-up", "script", true))
               .expectEvents(new AccountDeletionApprovalRequestedEvent(ID, "clean-up", "script"));
    }

    @Test
    void aWaitingApprovalExpiresOnlyWhenOlderThanTheCommandSays() {
        fixture.given(opened(), new AccountDeletionApprovalRequestedEvent(ID, "closing", "alice"))
               .when(new ExpireAccountDeletionApprovalCommand(ID, Instant.now().plusSeconds(60)))
               .expectEvents(new AccountDeletionApprovalExpiredEvent(ID, "alice"));
        fixture.given(opened(), new AccountDeletionApprovalRequestedEvent(ID, "closing", "alice"))
               .when(new ExpireAccountDeletionApprovalCommand(ID, Instant.now().minusSeconds(3600)))
               .expectNoEvents();
        fixture.given(opened(), new AccountDeletionApprovalRequestedEvent(ID, "closing", "alice"),
                      new AccountDeletionApprovalExpiredEvent(ID, "alice"))
               .when(new ApproveAccountDeletionCommand(ID, "bob"))
               .expectException(DeletionConflictException.class);
    }

    @Test
    void quarantiningAnAccountAlreadyHeldChangesNothing() {
        fixture.given(quarantined())
               .when(new QuarantineAccountCommand(ID, DUE.plusSeconds(60)))
               .expectSuccessfulHandlerExecution()
               .expectNoEvents();
    }

    @Test
    void aQuarantinedAccountRejectsEveryCommandButCancel() {
        fixture.given(quarantined())
               .when(new UpdateAccountProfileCommand(ID, text("new@example.com", "x"), null))
               .expectException(AccountQuarantinedException.class)
               .expectNoEvents();
        fixture.given(quarantined())
               .when(new ChangeAccountPlanCommand(ID, Plan.FREE))
               .expectException(AccountQuarantinedException.class);
        fixture.given(quarantined())
               .when(new RecordAccountActivityCommand(ID, T1))
               .expectException(AccountQuarantinedException.class);
    }

    @Test
    void deletingAQuarantinedAccountAgainIsAConflict() {
        fixture.given(quarantined())
               .when(new RequestAccountDeletionCommand(ID, "again", "bob"))
               .expectException(AccountQuarantinedException.class)
               .expectNoEvents();
    }

    @Test
    void cancellingWithinTheHoldMakesTheAccountActiveAgain() {
        fixture.given(quarantined())
               .when(new CancelAccountDeletionCommand(ID, "requested in error", "admin"))
               .expectEvents(new AccountDeletionCancelledEvent(ID, "requested in error", "admin"))
               .expectState(account -> assertThat(account).extracting("state.status").isEqualTo(AccountStatus.ACTIVE));
    }

    @Test
    void cannotCancelWhenNothingIsPending() {
        fixture.given(opened())
               .when(new CancelAccountDeletionCommand(ID, "why not", "admin"))
               .expectException(DeletionConflictException.class);
    }

    @Test
    void theHoldEndingPurgesTheAccount() {
        fixture.given(quarantined())
               .when(new PurgeAccountCommand(ID))
               .expectEvents(new AccountPurgedEvent(ID));
    }

    @Test
    void aRedeliveredPurgeHasExactlyOneEffect() {
        fixture.given(quarantined()).andGiven(new AccountPurgedEvent(ID))
               .when(new PurgeAccountCommand(ID))
               .expectSuccessfulHandlerExecution()
               .expectNoEvents();
    }

    @Test
    void cannotPurgeAccountThatIsNotQuarantined() {
        fixture.given(opened(), new AccountDeletionRequestedEvent(ID, "closing", "alice"))
               .when(new PurgeAccountCommand(ID))
               .expectException(DeletionConflictException.class);
    }

    @Test
    void cancellingAfterThePurgeIsGone() {
        fixture.given(quarantined()).andGiven(new AccountPurgedEvent(ID))
               .when(new CancelAccountDeletionCommand(ID, "too late", "admin"))
               .expectException(AccountPurgedException.class);
    }

    @Test
    void aPurgedAccountCannotBeChanged() {
        fixture.given(quarantined()).andGiven(new AccountPurgedEvent(ID))
               .when(new ChangeAccountPlanCommand(ID, Plan.FREE))
               .expectException(AccountPurgedException.class);
    }

    @Test
    void personalTextNeverPrintsItsPlaintext() {
        assertThat(EMAIL.toString()).doesNotContain("ada@example.com");
    }
}
