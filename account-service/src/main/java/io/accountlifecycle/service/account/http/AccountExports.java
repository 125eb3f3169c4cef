package io.accountlifecycle.service.account.http;

import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.SealedValueOpener;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.account.query.AccountHistory;
import io.accountlifecycle.service.eventstore.EventTypes;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An account as its readers see it, and its export (GDPR Art. 20): the state with its personal fields opened (for a
 * caller who may read them), its events, and the whole history in one audited document. Used by the API
 * ({@code GET /accounts/{id}}, {@code …/events}, {@code …/export}) and the console alike.
 */
@Component
public class AccountExports {

    private final AccountHistory history;
    private final SealedValueOpener opener;
    private final PersonalFieldsJson personalFieldsJson;
    private final ExportAudit audit;
    private final Clock clock;

    AccountExports(AccountHistory history, SealedValueOpener opener, PersonalFieldsJson personalFieldsJson,
                   ExportAudit audit, Clock clock) {
        this.history = history;
        this.opener = opener;
        this.personalFieldsJson = personalFieldsJson;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The account's data with its full history, exported by {@code actor} (audited: {@code AccountDataExported}).
     *
     * @throws AggregateNotFoundException for an account that never existed
     * @throws ResponseStatusException    422 for a history longer than one export holds
     */
    public AccountExport export(UUID id, String actor) {
        long total = history.events(id, 0, 1).orElseThrow(() -> notFound(id)).totalItems();
        if (total > Limits.MAX_EXPORT_EVENTS) { // counted before anything is read
            throw new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, "The account has " + total
                                              + " events, more than one export holds (" + Limits.MAX_EXPORT_EVENTS
                                              + "): read its history by pages (GET /accounts/{id}/events)");
        }
        List<DomainEventMessage<?>> events = history.allEvents(id).orElseThrow(() -> notFound(id));
        AccountState state = AccountState.NONE;
        Instant purgedAt = null;
        for (DomainEventMessage<?> event : events) {
            state = state.after(event);
            if (event.getPayload() instanceof AccountPurgedEvent) {
                purgedAt = event.getTimestamp();
            }
        }
        boolean purged = state.status() == AccountStatus.PURGED;
        audit.exported(id, actor, events.size(), purged);
        return new AccountExport(AccountExport.FORMAT, id, clock.instant(), actor, purged, purgedAt,
                                 response(purged ? state.withoutSealedValues() : state),
                                 events.stream().map(this::event).toList());
    }

    /** The account's state as {@code GET /accounts/{id}} answers it. */
    AccountResponse response(AccountState state) {
        List<UUID> holds = state.holdsInForce(clock.instant());
        return new AccountResponse(state.accountId(), state.status(),
                                   opener.open(state.email()).orElse(null),
                                   opener.open(state.displayName()).orElse(null),
                                   state.plan(), state.protectedAccount(), state.openedAt(), state.lastActivityAt(),
                                   state.version(), state.updatedAt(), state.purgeDueAt(), holds,
                                   state.status() == AccountStatus.QUARANTINED ? holds : List.of(),
                                   AccountResponse.Deletion.of(state));
    }

    /** One event as {@code GET /accounts/{id}/events} answers it. */
    AccountEventResponse event(DomainEventMessage<?> event) {
        return new AccountEventResponse(event.getIdentifier(), event.getSequenceNumber(),
                                        EventTypes.nameOf(event.getPayloadType()), event.getPayloadType().getName(),
                                        event.getTimestamp(),
                                        personalFieldsJson.render(event.getPayload()), event.getMetaData());
    }

    private static AggregateNotFoundException notFound(UUID id) {
        return new AggregateNotFoundException(id.toString(), "No account " + id);
    }
}
