package io.accountlifecycle.service.account.query;

import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.service.account.AccountState;
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
 * history. No read model in between, so what it answers is exactly what the events say, folded by the aggregate's
 * own {@link AccountState#after}.
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

    /**
     * The state after every event up to and including {@code asOf}; empty if the account did not exist then. An
     * account purged since carries no sealed value in any of its states, also one from before its purge: its key is
     * gone, and what it sealed stays out of memory and every answer.
     */
    public Optional<AccountState> stateAsOf(UUID accountId, Instant asOf) {
        AccountState state = AccountState.NONE;
        boolean purgedSince = false;
        var stream = eventStore.readEvents(accountId.toString());
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            if (asOf != null && event.getTimestamp().isAfter(asOf)) {
                if (event.getPayload() instanceof AccountPurgedEvent) {
                    purgedSince = true;
                    break;
                }
                continue;
            }
            state = state.after(event);
        }
        if (purgedSince) {
            state = state.withoutSealedValues();
        }
        return state.exists() ? Optional.of(state) : Optional.empty();
    }

    public Optional<AccountState> currentState(UUID accountId) {
        return stateAsOf(accountId, null);
    }
}
