package io.accountlifecycle.service.account;

import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.api.AccountDeletionApprovalRequestedEvent;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountErasureDeadlineExtendedEvent;
import io.accountlifecycle.api.AccountLegalHoldAppliedEvent;
import io.accountlifecycle.api.AccountPurgeExpediteRequestedEvent;
import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPlanChangedEvent;
import io.accountlifecycle.api.AccountProfileUpdatedEvent;
import io.accountlifecycle.api.AccountProtectionChangedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.MetaDataKeys;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What a snapshot of the account holds: the aggregate as it was, written and read by the service's serializer. */
class AccountSnapshotTest {

    private static final UUID ID = UUID.fromString("3f1c2a9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b");
    private static final Instant T = Instant.parse("2026-11-01T10:00:00.123456789Z");

    private final Serializer serializer = JacksonSerializer.builder()
                                                           .objectMapper(EventStoreConfiguration.axonObjectMapper())
                                                           .build();

    @Test
    void aSnapshotGivesBackEveryPartOfTheState() {
        Account quarantined = folded(new AccountProfileUpdatedEvent(ID, sealed("new-email"), null),
                                     new AccountPlanChangedEvent(ID, Plan.ENTERPRISE, Plan.FREE),
                                     new AccountProtectionChangedEvent(ID, false, "admin", "no longer"),
                                     new AccountActivityRecordedEvent(ID, T.minusSeconds(60)),
                                     new AccountLegalHoldAppliedEvent(ID, UUID.randomUUID(), "Case 1", null),
                                     new AccountDeletionRequestedEvent(ID, "asked", "alice", DeletionKind.ERASURE,
                                                                       T.minusSeconds(3_600), T.plusSeconds(86_400)),
                                     new AccountQuarantinedEvent(ID, T.plusSeconds(86_400)),
                                     new AccountErasureDeadlineExtendedEvent(ID, T.plusSeconds(90_000), "complex",
                                                                             "admin"),
                                     new AccountPurgeExpediteRequestedEvent(ID, "now", "alice"));
        Account awaitingApproval = folded(new AccountDeletionApprovalRequestedEvent(ID, "asked", "bob"));
        assertThat(Arrays.stream(AccountState.class.getRecordComponents()).filter(c -> value(quarantined, c) == null))
                .as("every part of the state but the pending approval is set").extracting(RecordComponent::getName)
                .containsExactly("approval");
        assertThat(awaitingApproval.state().approval()).isNotNull();

        for (Account account : List.of(quarantined, awaitingApproval)) {
            SerializedObject<byte[]> snapshot = serializer.serialize(account, byte[].class);
            assertThat(snapshot.getType().getRevision()).isEqualTo("2");
            Account back = serializer.deserialize(snapshot);
            assertThat(back.state()).isEqualTo(account.state());
            assertThat(back.state().accountId()).isEqualTo(ID);
        }
    }

    /** Axon hands a snapshot to the aggregate it was read into, as its first event: that is no change. */
    @Test
    void aSnapshotHandedToItsOwnAggregateChangesNothing() {
        Account account = serializer.deserialize(serializer.serialize(
                folded(new AccountActivityRecordedEvent(ID, T)), byte[].class));
        AccountState restored = account.state();
        account.on(account, new GenericDomainEventMessage<>("Account", ID.toString(), restored.version(), account,
                                                            MetaData.emptyInstance(), UUID.randomUUID().toString(),
                                                            T.plusSeconds(3_600)));
        assertThat(account.state()).isEqualTo(restored);
    }

    /**
     * Account's revision names the shape of the state a snapshot holds: when this list changes, raise it (and
     * update the list), or snapshots of the old shape would load as states with parts missing.
     */
    @Test
    void theSnapshotRevisionNamesTheStatesShape() {
        assertThat(Arrays.stream(AccountState.class.getRecordComponents()).map(RecordComponent::getName))
                .containsExactly("accountId", "status", "email", "displayName", "plan", "protectedAccount", "openedAt",
                                 "lastActivityAt", "version", "updatedAt", "purgeDueAt", "deletionRequested",
                                 "deletionRequestedAt", "approval", "requestBatch", "requestedBy",
                                 "requestCorrelation", "protectionEndedAt", "plansLeftAt", "legalHolds", "erasure",
                                 "purgeBlocked", "expedite");
        assertThat(Arrays.stream(AccountState.PendingApproval.class.getRecordComponents()).map(RecordComponent::getName))
                .containsExactly("requestedBy", "reason", "requestedAt", "erasure");
        assertThat(Account.class.getAnnotation(org.axonframework.serialization.Revision.class).value()).isEqualTo("2");
    }

    /** An account opened (protected, on ENTERPRISE), then {@code events}, one second apart. */
    private static Account folded(Object... events) {
        Account account = new Account();
        apply(account, new AccountOpenedEvent(ID, sealed("email"), sealed("name"), Plan.ENTERPRISE, true), 0,
              MetaData.emptyInstance());
        for (int i = 0; i < events.length; i++) {
            apply(account, events[i], i + 1, MetaData.with(MetaDataKeys.BATCH_ID, UUID.randomUUID().toString())
                                                     .and(MetaDataKeys.CORRELATION_ID, "correlation-" + i));
        }
        return account;
    }

    private static void apply(Account account, Object event, long sequence, Map<String, ?> metaData) {
        account.on(event, new GenericDomainEventMessage<>("Account", ID.toString(), sequence, event, metaData,
                                                          UUID.randomUUID().toString(), T.plusSeconds(sequence)));
    }

    private static SealedValue sealed(String ciphertext) {
        return new SealedValue(ID.toString(), ciphertext);
    }

    private static Object value(Account account, RecordComponent component) {
        try {
            return component.getAccessor().invoke(account.state());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
