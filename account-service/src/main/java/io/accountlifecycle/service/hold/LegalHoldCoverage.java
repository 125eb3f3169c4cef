package io.accountlifecycle.service.hold;

import io.accountlifecycle.api.LegalHoldPlacedEvent;
import io.accountlifecycle.api.LegalHoldReleasedEvent;
import io.accountlifecycle.service.batch.DeletionBatchExecutor;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.roles.Roles;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/**
 * Brings each hold's accounts in line with the hold: covered once it is placed (already done by whoever placed it,
 * unless that instance stopped half-way: applying it again changes nothing), lifted once it is released. Failures
 * are retried, never skipped (a hold must not be left half-applied). It runs in the batch executor's processor, the
 * one that sends the commands admin operations lead to: a processor of its own would read every event and store its
 * position after each batch for the few events that are its own (measured: the command-to-event p99 and the Kafka
 * burst suffered with two more processors on two cores).
 */
@Component
@ProcessingGroup(DeletionBatchExecutor.PROCESSING_GROUP)
@ConditionalOnProperty(name = Roles.DELETION_SAGA, havingValue = "true", matchIfMissing = true)
public class LegalHoldCoverage {

    private final LegalHolds holds;
    private final EventStore events;

    LegalHoldCoverage(LegalHolds holds, EventStore events) {
        this.holds = holds;
        this.events = events;
    }

    @EventHandler
    void on(LegalHoldPlacedEvent event) {
        holds.cover(event, Origin.of(event.placedBy()));
    }

    @EventHandler
    void on(LegalHoldReleasedEvent event) {
        List<UUID> accounts = events.readEvents(event.holdId().toString()).asStream()
                                    .map(m -> m.getPayload() instanceof LegalHoldPlacedEvent p ? p.accountIds() : null)
                                    .filter(ids -> ids != null).findFirst().orElse(List.of());
        holds.lift(event.holdId(), accounts, Origin.of(event.releasedBy()));
    }
}
