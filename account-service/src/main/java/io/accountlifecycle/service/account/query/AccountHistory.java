package io.accountlifecycle.service.account.query;

import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.api.AccountDeletionCancelledEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPlanChangedEvent;
import io.accountlifecycle.api.AccountProfileUpdatedEvent;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads an account straight from its event stream: the current state, the state as of any instant, and the raw
 * history. No read model in between, so what it answers is exactly what the events say.
 */
@Component
public class AccountHistory {

    private final EventStore eventStore;

    public AccountHistory(EventStore eventStore) {
        this.eventStore = eventStore;
    }

    public List<DomainEventMessage<?>> events(UUID accountId) {
        List<DomainEventMessage<?>> events = new ArrayList<>();
        eventStore.readEvents(accountId.toString()).forEachRemaining(events::add);
        return events;
    }

    /** The state after every event up to and including {@code asOf}; empty if the account did not exist then. */
    public Optional<AccountState> stateAsOf(UUID accountId, Instant asOf) {
        Fold fold = new Fold();
        var stream = eventStore.readEvents(accountId.toString());
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            if (asOf != null && event.getTimestamp().isAfter(asOf)) {
                break;
            }
            fold.apply(event);
        }
        return fold.result();
    }

    public Optional<AccountState> currentState(UUID accountId) {
        return stateAsOf(accountId, null);
    }

    private static final class Fold {
        private AccountState state;

        void apply(DomainEventMessage<?> message) {
            Object payload = message.getPayload();
            if (payload instanceof AccountOpenedEvent e) {
                state = AccountState.opened(e.accountId(), e.email(), e.displayName(), e.plan(),
                                            e.protectedAccount(), message.getSequenceNumber(), message.getTimestamp());
                return;
            }
            if (state == null) {
                return; // nothing precedes the opening; ignore rather than invent an account
            }
            if (payload instanceof AccountProfileUpdatedEvent e) {
                state = state.withProfile(e.email(), e.displayName());
            } else if (payload instanceof AccountPlanChangedEvent e) {
                state = state.withPlan(e.plan());
            } else if (payload instanceof AccountActivityRecordedEvent e) {
                state = state.withLastActivityAt(e.lastActivityAt());
            } else if (payload instanceof AccountQuarantinedEvent e) {
                state = state.withStatus(AccountStatus.QUARANTINED, e.purgeDueAt());
            } else if (payload instanceof AccountDeletionCancelledEvent) {
                state = state.withStatus(AccountStatus.ACTIVE, null);
            } else if (payload instanceof AccountPurgedEvent) {
                state = state.withStatus(AccountStatus.PURGED, null);
            }
            state = state.at(message.getSequenceNumber(), message.getTimestamp());
        }

        Optional<AccountState> result() {
            return Optional.ofNullable(state);
        }
    }
}
