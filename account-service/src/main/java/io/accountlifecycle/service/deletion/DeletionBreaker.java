package io.accountlifecycle.service.deletion;

import io.accountlifecycle.api.DeletionBreakerResetEvent;
import io.accountlifecycle.api.DeletionBreakerTrippedEvent;
import io.accountlifecycle.api.ResetDeletionBreakerCommand;
import io.accountlifecycle.api.TripDeletionBreakerCommand;
import io.accountlifecycle.service.account.AccountRules;
import io.accountlifecycle.service.account.DeletionConflictException;
import io.accountlifecycle.service.account.SelfApprovalException;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** The service-wide deletion breaker, event-sourced: open or closed holds across instances and restores. */
@Aggregate
public class DeletionBreaker {

    @AggregateIdentifier
    private String breakerId;
    private boolean open;
    /** Who made more than half of the requests that tripped it, if anyone: they may not reset it themselves. */
    private String dominantRequester;

    protected DeletionBreaker() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(TripDeletionBreakerCommand command) {
        if (open) {
            return; // tripped already (another instance, or a concurrent request): one alert
        }
        apply(new DeletionBreakerTrippedEvent(command.breakerId(), command.quarantinesLastMinute(), command.limit(),
                                              command.requestsLastMinute(), command.topRequester(),
                                              command.topRequesterRequests()));
    }

    /** Needs a reason; refused to an actor who made more than half of the requests in the minute that tripped it. */
    @CommandHandler
    public void handle(ResetDeletionBreakerCommand command) {
        if (!open) {
            throw new DeletionConflictException("The deletion breaker is not open");
        }
        AccountRules.check().reason("reason", command.reason()).enforce();
        if (command.resetBy() != null && command.resetBy().equals(dominantRequester)) {
            throw new SelfApprovalException(command.resetBy() + " made more than half of the deletion requests that "
                                            + "tripped the breaker; someone else must reset it");
        }
        apply(new DeletionBreakerResetEvent(breakerId, command.resetBy(), command.reason()));
    }

    @EventSourcingHandler
    void on(DeletionBreakerTrippedEvent event) {
        breakerId = event.breakerId();
        open = true;
        dominantRequester = event.topRequester() != null && event.topRequesterRequests() * 2 > event.requestsLastMinute()
                            ? event.topRequester() : null;
    }

    @EventSourcingHandler
    void on(DeletionBreakerResetEvent event) {
        open = false;
        dominantRequester = null;
    }
}
