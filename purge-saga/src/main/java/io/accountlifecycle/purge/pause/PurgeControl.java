package io.accountlifecycle.purge.pause;

import io.accountlifecycle.api.PausePurgesCommand;
import io.accountlifecycle.api.PurgesPausedEvent;
import io.accountlifecycle.api.PurgesResumedEvent;
import io.accountlifecycle.api.ResumePurgesCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** The service-wide purge switch, event-sourced so that a pause holds across instances, restarts and restores. */
@Aggregate
public class PurgeControl {

    @AggregateIdentifier
    private String purgeControlId;
    private boolean paused;

    protected PurgeControl() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(PausePurgesCommand command) {
        if (!paused) {
            apply(new PurgesPausedEvent(command.purgeControlId(), command.reason(),
                                                                  command.pausedBy()));
        }
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(ResumePurgesCommand command) {
        if (paused || purgeControlId == null) { // a first resume still records who confirmed purges run
            apply(new PurgesResumedEvent(command.purgeControlId(), command.reason(),
                                                                   command.resumedBy()));
        }
    }

    @EventSourcingHandler
    void on(PurgesPausedEvent event) {
        purgeControlId = event.purgeControlId();
        paused = true;
    }

    @EventSourcingHandler
    void on(PurgesResumedEvent event) {
        purgeControlId = event.purgeControlId();
        paused = false;
    }
}
