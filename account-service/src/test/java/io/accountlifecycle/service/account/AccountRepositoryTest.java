package io.accountlifecycle.service.account;

import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPlanChangedEvent;
import io.accountlifecycle.api.ChangeAccountPlanCommand;
import io.accountlifecycle.api.ChangeAccountProtectionCommand;
import io.accountlifecycle.api.OpenAccountCommand;
import io.accountlifecycle.api.PersonalText;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.SealedValue;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The account's last committed state in memory: a warm load reads only the stream's end, and the state never decides a
 * command on its own — not when another instance appended since, not when the store lacks it, not when it was rolled
 * back with its transaction or savepoint, not after a failed command.
 */
class AccountRepositoryTest {

    private static final UUID ID = UUID.fromString("3f1c2a9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b");

    private final SynchronizationOnlyTransactionManager transactions = new SynchronizationOnlyTransactionManager();
    private final CommittedAccounts committed = new CommittedAccounts(100);
    private final List<Configuration> started = new ArrayList<>();

    @AfterEach
    void tearDown() {
        started.forEach(Configuration::shutdown);
    }

    private Configuration axon(RecordingStorage storage) {
        Configuration axon = AccountAxon.start(storage, new Breaker(), transactions, committed);
        started.add(axon);
        return axon;
    }

    /** Sends {@code command} in a transaction of its own, as every intake does. */
    private void send(Configuration axon, Object command) {
        new TransactionTemplate(transactions).executeWithoutResult(
                status -> axon.commandGateway().sendAndWait(command));
    }

    private static OpenAccountCommand open() {
        PersonalText email = new PersonalText("ada@example.com", new SealedValue(ID.toString(), "c-email"));
        PersonalText name = new PersonalText("Ada", new SealedValue(ID.toString(), "c-name"));
        return new OpenAccountCommand(ID, email, name, Plan.PREMIUM, false);
    }

    private static long keptVersion(CommittedAccounts committed) {
        CommittedAccounts.Committed kept = committed.get(ID.toString());
        return kept == null ? -1 : kept.version();
    }

    /** The account opened on PREMIUM, then moved to FREE: version 1, kept. */
    private Configuration openedAndMovedToFree(RecordingStorage storage) {
        Configuration axon = axon(storage);
        send(axon, open());
        send(axon, new ChangeAccountPlanCommand(ID, Plan.FREE));
        return axon;
    }

    @Test
    void aWarmLoadReadsOnlyTheStreamsEnd() {
        RecordingStorage storage = new RecordingStorage();
        openedAndMovedToFree(storage);
        assertThat(storage.reads).containsExactly("last sequence number of " + ID);
        assertThat(keptVersion(committed)).isEqualTo(1);
    }

    @Test
    void anAppendByAnotherInstanceIsFoldedOnTopOfTheKeptState() {
        RecordingStorage storage = new RecordingStorage();
        Configuration axon = openedAndMovedToFree(storage);
        AccountPlanChangedEvent elsewhere = new AccountPlanChangedEvent(ID, Plan.FREE, Plan.STANDARD);
        storage.appendEvents(new GenericDomainEventMessage<>("Account", ID.toString(), 2, elsewhere));
        storage.reads.clear();

        // The kept state says FREE: trusted alone, it would answer "already on it" and store nothing.
        send(axon, new ChangeAccountPlanCommand(ID, Plan.FREE));

        assertThat(storage.reads).containsExactly("last sequence number of " + ID, "events of " + ID + " from 2");
        assertThat(lastEvent(storage)).isEqualTo(new AccountPlanChangedEvent(ID, Plan.STANDARD, Plan.FREE));
        assertThat(keptVersion(committed)).isEqualTo(3);
    }

    @Test
    void aStateTheStoreLacksIsNotUsed() {
        openedAndMovedToFree(new RecordingStorage());
        assertThat(keptVersion(committed)).isEqualTo(1);

        // A store that has the account's first event only (say, one restored from an older backup).
        RecordingStorage older = new RecordingStorage();
        older.appendEvents(new GenericDomainEventMessage<>("Account", ID.toString(), 0, new AccountOpenedEvent(
                ID, open().email().sealed(), open().displayName().sealed(), Plan.PREMIUM, false)));
        Configuration axon = axon(older);

        // The kept state says FREE: trusted, it would answer "already on it" and store nothing.
        send(axon, new ChangeAccountPlanCommand(ID, Plan.FREE));

        assertThat(older.reads).containsExactly("last sequence number of " + ID, "snapshot of " + ID,
                                                "events of " + ID + " from 0");
        assertThat(lastEvent(older)).isEqualTo(new AccountPlanChangedEvent(ID, Plan.PREMIUM, Plan.FREE));
    }

    @Test
    void aStateRolledBackWithItsTransactionOrSavepointIsNotKept() {
        RecordingStorage storage = new RecordingStorage();
        Configuration axon = axon(storage);
        send(axon, open());
        assertThat(keptVersion(committed)).isZero();

        TransactionTemplate savepoint = new TransactionTemplate(transactions);
        savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        new TransactionTemplate(transactions).executeWithoutResult(batch -> {
            assertThatThrownBy(() -> savepoint.executeWithoutResult(command -> {
                axon.commandGateway().sendAndWait(new ChangeAccountPlanCommand(ID, Plan.FREE));
                throw new IllegalStateException("the rest of the command's savepoint failed");
            })).isInstanceOf(IllegalStateException.class);
        });
        assertThat(keptVersion(committed)).as("after a savepoint rolled back").isZero();

        assertThatThrownBy(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
            axon.commandGateway().sendAndWait(new ChangeAccountPlanCommand(ID, Plan.STANDARD));
            throw new IllegalStateException("the rest of the transaction failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(keptVersion(committed)).as("after a rollback").isZero();
    }

    @Test
    void aFailedCommandForgetsTheState() {
        RecordingStorage storage = new RecordingStorage();
        Configuration axon = axon(storage);
        send(axon, open());
        assertThatThrownBy(() -> send(axon, new ChangeAccountProtectionCommand(ID, true, "alice", " ")))
                .isInstanceOf(AccountRuleViolationException.class);
        assertThat(keptVersion(committed)).isEqualTo(-1);
    }

    private static Object lastEvent(RecordingStorage storage) {
        List<? extends DomainEventMessage<?>> events = storage.readEvents(ID.toString()).asStream().toList();
        return events.get(events.size() - 1).getPayload();
    }
}
