package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.DeletionBreakerResetEvent;
import io.accountlifecycle.api.DeletionBreakerTrippedEvent;
import io.accountlifecycle.api.ResetDeletionBreakerCommand;
import io.accountlifecycle.api.TripDeletionBreakerCommand;
import io.accountlifecycle.service.account.DeletionConflictException;
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

    protected DeletionBreaker() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(TripDeletionBreakerCommand command) {
        if (open) {
            return; // tripped already (another instance, or a concurrent request): one alert
        }
        apply(new DeletionBreakerTrippedEvent(command.breakerId(), command.quarantinesLastMinute(), command.limit()));
    }

    @CommandHandler
    public void handle(ResetDeletionBreakerCommand command) {
        if (!open) {
            throw new DeletionConflictException("The deletion breaker is not open");
        }
        apply(new DeletionBreakerResetEvent(breakerId, command.resetBy(), command.reason()));
    }

    @EventSourcingHandler
    void on(DeletionBreakerTrippedEvent event) {
        breakerId = event.breakerId();
        open = true;
    }

    @EventSourcingHandler
    void on(DeletionBreakerResetEvent event) {
        open = false;
    }
}
