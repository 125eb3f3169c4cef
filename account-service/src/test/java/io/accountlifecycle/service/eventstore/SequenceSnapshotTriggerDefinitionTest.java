package io.accountlifecycle.service.eventstore;

import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.SnapshotTrigger;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceSnapshotTriggerDefinitionTest {

    private final List<String> scheduled = new CopyOnWriteArrayList<>();
    private final SequenceSnapshotTriggerDefinition everyFive =
            new SequenceSnapshotTriggerDefinition((type, id) -> scheduled.add(type.getSimpleName() + " " + id), 5);

    private static GenericDomainEventMessage<String> event(long sequence) {
        return new GenericDomainEventMessage<>("Thing", "thing-1", sequence, "event " + sequence);
    }

    @Test
    void aCommandStoringEveryFifthEventHasItSnapshottedOnCommitHoweverShortItsLoad() {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        SnapshotTrigger trigger = everyFive.prepareTrigger(String.class);
        trigger.eventHandled(event(3)); // the load: a snapshot (or a state kept in memory) at 3
        trigger.initializationFinished();
        for (long sequence = 4; sequence <= 10; sequence++) {
            trigger.eventHandled(event(sequence));
        }
        assertThat(scheduled).as("before the commit").isEmpty();
        unitOfWork.commit();
        assertThat(scheduled).as("events 4 and 9 stored").containsExactly("String thing-1", "String thing-1");
    }

    @Test
    void aLoadThatFoldedFiveEventsHasItSnapshottedEvenIfTheCommandFails() {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        SnapshotTrigger trigger = everyFive.prepareTrigger(String.class);
        for (long sequence = 0; sequence < 7; sequence++) {
            trigger.eventHandled(event(sequence));
        }
        trigger.initializationFinished();
        unitOfWork.rollback();
        assertThat(scheduled).containsExactly("String thing-1");
    }

    @Test
    void aShortLoadAndACommandStoringNoFifthEventTakeNone() {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        SnapshotTrigger trigger = everyFive.prepareTrigger(String.class);
        trigger.eventHandled(event(5));
        trigger.initializationFinished();
        trigger.eventHandled(event(6));
        unitOfWork.commit();
        assertThat(scheduled).isEmpty();
    }
}
