package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.ApproveDeletionBatchCommand;
import io.accountlifecycle.api.CancelDeletionBatchCommand;
import io.accountlifecycle.api.CreateDeletionBatchCommand;
import io.accountlifecycle.api.DeletionBatchApprovedEvent;
import io.accountlifecycle.api.DeletionBatchCancelledEvent;
import io.accountlifecycle.api.DeletionBatchCreatedEvent;
import io.accountlifecycle.api.DeletionBatchExpiredEvent;
import io.accountlifecycle.api.ExpireDeletionBatchCommand;
import io.accountlifecycle.api.DeletionBatchRejectedEvent;
import io.accountlifecycle.api.DeletionBatchRequestsSentEvent;
import io.accountlifecycle.api.DeletionBatchState;
import io.accountlifecycle.api.RecordDeletionBatchRequestsSentCommand;
import io.accountlifecycle.api.RejectDeletionBatchCommand;
import io.accountlifecycle.service.account.AccountRuleViolationException;
import io.accountlifecycle.service.account.DeletionConflictException;
import io.accountlifecycle.service.account.SelfApprovalException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

class DeletionBatchTest {

    private static final UUID BATCH = UUID.fromString("0b5a3c1e-2f4d-4a6b-8c7d-9e0f1a2b3c4d");
    private static final List<UUID> ACCOUNTS = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    private final AggregateTestFixture<DeletionBatch> fixture = new AggregateTestFixture<>(DeletionBatch.class);

    private static DeletionBatchCreatedEvent created(DeletionBatchState state) {
        return new DeletionBatchCreatedEvent(BATCH, ACCOUNTS, "old accounts", "alice", BigDecimal.TEN, state);
    }

    @Test
    void aBatchAboveTheThresholdsWaitsForApprovalAndOneBelowGoesAhead() {
        fixture.givenNoPriorActivity()
               .when(new CreateDeletionBatchCommand(BATCH, ACCOUNTS, "old accounts", "alice", BigDecimal.TEN, true, null, null))
               .expectEvents(created(DeletionBatchState.PENDING_APPROVAL));
        fixture.givenNoPriorActivity()
               .when(new CreateDeletionBatchCommand(BATCH, ACCOUNTS, "old accounts", "alice", BigDecimal.TEN, false, null, null))
               .expectEvents(created(DeletionBatchState.IN_PROGRESS));
        fixture.givenNoPriorActivity()
               .when(new CreateDeletionBatchCommand(BATCH, List.of(), " ", "alice", BigDecimal.ZERO, false, null, null))
               .expectException(AccountRuleViolationException.class);
    }

    @Test
    void onlyASecondAdminApprovesOrRejects() {
        fixture.given(created(DeletionBatchState.PENDING_APPROVAL))
               .when(new ApproveDeletionBatchCommand(BATCH, "alice"))
               .expectException(SelfApprovalException.class);
        fixture.given(created(DeletionBatchState.PENDING_APPROVAL))
               .when(new RejectDeletionBatchCommand(BATCH, "alice", "mine"))
               .expectException(SelfApprovalException.class);
        fixture.given(created(DeletionBatchState.PENDING_APPROVAL))
               .when(new ApproveDeletionBatchCommand(BATCH, "bob"))
               .expectEvents(new DeletionBatchApprovedEvent(BATCH, "bob"));
        fixture.given(created(DeletionBatchState.PENDING_APPROVAL))
               .when(new RejectDeletionBatchCommand(BATCH, "bob", "wrong criterion"))
               .expectEvents(new DeletionBatchRejectedEvent(BATCH, "bob", "wrong criterion"));
        fixture.given(created(DeletionBatchState.PENDING_APPROVAL), new DeletionBatchRejectedEvent(BATCH, "bob", "no"))
               .when(new ApproveDeletionBatchCommand(BATCH, "carol"))
               .expectException(DeletionConflictException.class);
        fixture.given(created(DeletionBatchState.IN_PROGRESS))
               .when(new ApproveDeletionBatchCommand(BATCH, "bob"))
               .expectException(DeletionConflictException.class);
    }

    @Test
    void chunksAreRecordedInOrderAndNeverAfterACancel() {
        fixture.given(created(DeletionBatchState.IN_PROGRESS))
               .when(new RecordDeletionBatchRequestsSentCommand(BATCH, 0, 2, 3, 2, 0, List.of()))
               .expectResultMessagePayload(true)
               .expectEvents(new DeletionBatchRequestsSentEvent(BATCH, 0, 2, 3, 2, 0));
        fixture.given(created(DeletionBatchState.IN_PROGRESS), new DeletionBatchRequestsSentEvent(BATCH, 0, 2, 3, 2, 0))
               .when(new RecordDeletionBatchRequestsSentCommand(BATCH, 0, 2, 3, 2, 0, List.of()))
               .expectResultMessagePayload(false)
               .expectNoEvents();
        fixture.given(created(DeletionBatchState.IN_PROGRESS),
                      new DeletionBatchCancelledEvent(BATCH, "bob", "undo", 0, 0))
               .when(new RecordDeletionBatchRequestsSentCommand(BATCH, 0, 2, 3, 2, 0, List.of()))
               .expectResultMessagePayload(false)
               .expectNoEvents();
        fixture.given(created(DeletionBatchState.PENDING_APPROVAL))
               .when(new CancelDeletionBatchCommand(BATCH, "bob", "undo", 0, 0))
               .expectException(DeletionConflictException.class);
        fixture.given(created(DeletionBatchState.IN_PROGRESS))
               .when(new CancelDeletionBatchCommand(BATCH, "bob", "undo", 2, 1))
               .expectEvents(new DeletionBatchCancelledEvent(BATCH, "bob", "undo", 2, 1));
    }

    @Test
    void aBatchStillWaitingForApprovalExpiresAndThenCannotBeApproved() {
        fixture.given(created(DeletionBatchState.PENDING_APPROVAL))
               .when(new ExpireDeletionBatchCommand(BATCH))
               .expectEvents(new DeletionBatchExpiredEvent(BATCH));
        fixture.given(created(DeletionBatchState.PENDING_APPROVAL), new DeletionBatchExpiredEvent(BATCH))
               .when(new ApproveDeletionBatchCommand(BATCH, "bob"))
               .expectException(DeletionConflictException.class);
        fixture.given(created(DeletionBatchState.PENDING_APPROVAL), new DeletionBatchApprovedEvent(BATCH, "bob"))
               .when(new ExpireDeletionBatchCommand(BATCH))
               .expectNoEvents();
    }

    @Test
    void leftOutAccountsAreRecordedWithTheirReason() {
        var leftOut = List.of(new DeletionBatchRequestsSentEvent.LeftOut(ACCOUNTS.get(1), "moved to plan PREMIUM"));
        fixture.given(created(DeletionBatchState.IN_PROGRESS))
               .when(new RecordDeletionBatchRequestsSentCommand(BATCH, 0, 3, 3, 2, 1, leftOut))
               .expectEvents(new DeletionBatchRequestsSentEvent(BATCH, 0, 3, 3, 2, 1, leftOut));
    }
}
