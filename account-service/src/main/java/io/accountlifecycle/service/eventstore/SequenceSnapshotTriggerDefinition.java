package io.accountlifecycle.service.eventstore;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.SnapshotTrigger;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

/**
 * Snapshots an aggregate every {@code threshold} events of its stream, however it was loaded: a command that
 * stores an event numbered {@code threshold - 1}, {@code 2 × threshold - 1}, … has it snapshotted once it commits,
 * and a load that had to fold {@code threshold} events or more has it snapshotted too (a history from before
 * snapshots, or one whose snapshot failed). Axon's {@code EventCountSnapshotTriggerDefinition} counts only what each load folds, which
 * is never much when a load starts from a state kept in memory: an account busy on one instance would then never be
 * snapshotted, and every read of its current state, and every other instance's load, would fold the events since.
 */
public final class SequenceSnapshotTriggerDefinition implements SnapshotTriggerDefinition {

    private final Snapshotter snapshotter;
    private final int threshold;

    public SequenceSnapshotTriggerDefinition(Snapshotter snapshotter, int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("A snapshot every " + threshold + " events is no snapshot");
        }
        this.snapshotter = snapshotter;
        this.threshold = threshold;
    }

    @Override
    public SnapshotTrigger prepareTrigger(Class<?> aggregateType) {
        return new Trigger(aggregateType);
    }

    private final class Trigger implements SnapshotTrigger {

        private final Class<?> aggregateType;
        private boolean loaded;
        private int folded;

        private Trigger(Class<?> aggregateType) {
            this.aggregateType = aggregateType;
        }

        @Override
        public void eventHandled(EventMessage<?> message) {
            if (!(message instanceof DomainEventMessage<?> event)) {
                return;
            }
            if (loaded) {
                if ((event.getSequenceNumber() + 1) % threshold == 0) {
                    // Taken after the commit: the event is then in the stream the snapshotter reads.
                    CurrentUnitOfWork.ifStarted(unitOfWork -> unitOfWork.onPrepareCommit(u -> schedule(event)));
                }
            } else if (++folded == threshold) {
                // Worth taking whatever becomes of the command: the load was long either way.
                CurrentUnitOfWork.ifStarted(unitOfWork -> unitOfWork.onCleanup(u -> schedule(event)));
            }
        }

        @Override
        public void initializationFinished() {
            loaded = true;
        }

        private void schedule(DomainEventMessage<?> event) {
            snapshotter.scheduleSnapshot(aggregateType, event.getAggregateIdentifier());
        }
    }
}
