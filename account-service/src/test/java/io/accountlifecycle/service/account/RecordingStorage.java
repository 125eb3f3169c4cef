package io.accountlifecycle.service.account;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory event store that notes every read of an aggregate's stream: which loads read what. */
class RecordingStorage extends InMemoryEventStorageEngine {

    final List<String> reads = new CopyOnWriteArrayList<>();

    @Override
    public DomainEventStream readEvents(String aggregateIdentifier, long firstSequenceNumber) {
        reads.add("events of " + aggregateIdentifier + " from " + firstSequenceNumber);
        return super.readEvents(aggregateIdentifier, firstSequenceNumber);
    }

    @Override
    public Optional<DomainEventMessage<?>> readSnapshot(String aggregateIdentifier) {
        reads.add("snapshot of " + aggregateIdentifier);
        return super.readSnapshot(aggregateIdentifier);
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        reads.add("last sequence number of " + aggregateIdentifier);
        // Not through this class's readEvents: one look at the end, noted once (the database answers it from its index).
        return super.readEvents(aggregateIdentifier, 0).asStream().map(DomainEventMessage::getSequenceNumber)
                    .max(Long::compare);
    }
}
