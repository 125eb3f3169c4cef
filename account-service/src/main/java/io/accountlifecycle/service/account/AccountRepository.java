package io.accountlifecycle.service.account;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.serialization.Serializer;

import java.util.Optional;

/**
 * Axon's event-sourcing repository for the account, loading a recently used account from its last committed state
 * in memory ({@link CommittedAccounts}) when one index-only look at the end of its stream allows: the stream ends at
 * that state, or later (another instance appended since: only the events after it are read and folded on top). A
 * stream that ends before it (a state the database does not have) is read from the store as usual. So a state in
 * memory never decides a command on its own, and a warm load costs one index probe instead of a snapshot read and an
 * events read. A command that fails after such a load (a concurrent append refused by the store's unique key, say)
 * forgets the state.
 */
class AccountRepository extends EventSourcingRepository<Account> {

    private final EventStore eventStore;
    private final Serializer serializer;
    private final CommittedAccounts committed;

    AccountRepository(Builder<Account> builder, EventStore eventStore, Serializer serializer,
                      CommittedAccounts committed) {
        super(builder.eventStore(eventStore));
        this.eventStore = eventStore;
        this.serializer = serializer;
        this.committed = committed;
    }

    @Override
    protected DomainEventStream readEvents(String accountId) {
        CommittedAccounts.Committed known = committed.get(accountId);
        if (known == null) {
            return super.readEvents(accountId);
        }
        Optional<Long> last = eventStore.lastSequenceNumberFor(accountId);
        if (last.isEmpty() || last.get() < known.version()) {
            committed.forget(accountId);
            return super.readEvents(accountId);
        }
        CurrentUnitOfWork.ifStarted(unitOfWork -> unitOfWork.onRollback(u -> committed.forget(accountId)));
        DomainEventMessage<Account> state = new GenericDomainEventMessage<>(
                aggregateModel().type(), accountId, known.version(), serializer.deserialize(known.account()));
        DomainEventStream start = DomainEventStream.of(state);
        return last.get() == known.version()
               ? start : DomainEventStream.concat(start, eventStore.readEvents(accountId, known.version() + 1));
    }

    /** The version of the account's state kept in memory, or -1 (tests). */
    long keptVersion(String accountId) {
        CommittedAccounts.Committed known = committed.get(accountId);
        return known == null ? -1 : known.version();
    }

    /** Called as the unit of work prepares to commit, once the command has applied its events. */
    @Override
    protected void doSaveWithLock(EventSourcedAggregate<Account> aggregate) {
        super.doSaveWithLock(aggregate);
        Long version = aggregate.version();
        if (version != null) {
            committed.keepOnCommit(aggregate.identifierAsString(), version,
                                   () -> serializer.serialize(aggregate.getAggregateRoot(), byte[].class));
        }
    }
}
