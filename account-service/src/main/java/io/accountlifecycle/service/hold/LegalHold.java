package io.accountlifecycle.service.hold;

import io.accountlifecycle.api.LegalHoldPlacedEvent;
import io.accountlifecycle.api.LegalHoldReleasedEvent;
import io.accountlifecycle.api.PlaceLegalHoldCommand;
import io.accountlifecycle.api.ReleaseLegalHoldCommand;
import io.accountlifecycle.service.account.AccountRules;
import io.accountlifecycle.service.account.DeletionConflictException;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A legal hold, event-sourced: the matter, who placed it and why, the accounts it covers (resolved when it was placed
 * and never changed after), its end, and its release. Each covered account records the hold in its own history
 * ({@link LegalHoldCoverage}), where the purge is refused while it stands.
 */
@Aggregate
public class LegalHold {

    @AggregateIdentifier
    private UUID holdId;
    private boolean released;

    protected LegalHold() {
        // for Axon
    }

    @CommandHandler
    public LegalHold(PlaceLegalHoldCommand command) {
        AccountRules.check()
                    .require(command.accountIds() != null && !command.accountIds().isEmpty(), "accountIds",
                             "a hold must cover at least one account")
                    .require(command.matter() != null && !command.matter().isBlank(), "matter",
                             "name the matter (case, investigation) the hold is for")
                    .reason("reason", command.reason())
                    .enforce();
        apply(new LegalHoldPlacedEvent(command.holdId(), command.matter().strip(), command.reason(),
                                       command.accountIds(), command.criteria(), command.placedBy(),
                                       command.endsAt()));
    }

    @CommandHandler
    public void handle(ReleaseLegalHoldCommand command) {
        if (released) {
            throw new DeletionConflictException("Legal hold " + holdId + " was already released");
        }
        AccountRules.check().reason("reason", command.reason()).enforce();
        apply(new LegalHoldReleasedEvent(holdId, command.reason(), command.releasedBy()));
    }

    @EventSourcingHandler
    void on(LegalHoldPlacedEvent event) {
        holdId = event.holdId();
    }

    @EventSourcingHandler
    void on(LegalHoldReleasedEvent event) {
        released = true;
    }
}
