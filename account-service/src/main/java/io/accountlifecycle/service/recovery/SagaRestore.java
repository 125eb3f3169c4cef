package io.accountlifecycle.service.recovery;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.QuarantineAccountCommand;
import io.accountlifecycle.purge.saga.AccountPurgeSaga;
import io.accountlifecycle.purge.saga.PurgeSagaRestorer;
import io.accountlifecycle.service.account.Account;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.eventstore.EventTable;
import io.accountlifecycle.service.personal.PersonalDataSealer;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What the restored events say of deletions, folded per account by the aggregate's own fold: purged accounts lose a
 * key the topic still had; every account whose deletion is under way gets its saga back — quarantined ones with their
 * purge at the original instant (an instant already past fires at once), requested-but-not-quarantined ones waiting
 * for the quarantine, which is sent again once the processors stand at the head.
 */
public final class SagaRestore {

    private final EventTable events;
    private final PurgeSagaRestorer sagas;
    private final CommandSender commands;
    private final KeyRestore keys;
    private final Duration hold;

    public SagaRestore(EventTable events, PurgeSagaRestorer sagas, CommandSender commands, KeyRestore keys, Duration hold) {
        this.events = events;
        this.sagas = sagas;
        this.commands = commands;
        this.keys = keys;
        this.hold = hold;
    }

    /**
     * The last state of every account whose lifecycle matters here: purged, quarantined or awaiting quarantine. Only
     * accounts with an event beyond {@link AccountState#NO_DELETION_EVENTS} are folded.
     */
    public record Deletions(List<UUID> purged, List<AccountState> quarantined, List<AccountState> awaitingQuarantine) {
    }

    public Deletions scan() {
        Deletions deletions = new Deletions(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        AccountState[] current = {AccountState.NONE};
        String[] aggregate = {null};
        events.readAllOfType(Account.class.getSimpleName(), AccountState.NO_DELETION_EVENTS,
                             AccountState.PROFILE_ONLY_EVENTS, event -> {
            if (!event.getAggregateIdentifier().equals(aggregate[0])) {
                collect(current[0], deletions);
                aggregate[0] = event.getAggregateIdentifier();
                current[0] = AccountState.NONE;
            }
            current[0] = current[0].after(event);
        });
        collect(current[0], deletions);
        return deletions;
    }

    private static void collect(AccountState state, Deletions deletions) {
        if (state.status() == AccountStatus.PURGED) {
            deletions.purged().add(state.accountId());
        } else if (state.status() == AccountStatus.QUARANTINED) {
            deletions.quarantined().add(state);
        } else if (state.awaitingQuarantine()) {
            deletions.awaitingQuarantine().add(state);
        }
    }

    void forgetPurgedKeys(Deletions deletions) {
        keys.forget(deletions.purged().stream().map(PersonalDataSealer::keyIdOf).toList());
    }

    /** Done once per account: a resumed restore finds the sagas already there. Returns the sagas under way. */
    int restoreSagas(Deletions deletions, PrintStream out) {
        Set<UUID> haveSaga = sagas.accountsWithSaga();
        for (AccountState state : deletions.quarantined()) {
            if (!haveSaga.contains(state.accountId())) {
                sagas.quarantined(state.accountId(), state.purgeDueAt(), erasureDeadline(state));
            }
        }
        for (AccountState state : deletions.awaitingQuarantine()) {
            if (!haveSaga.contains(state.accountId())) {
                sagas.requested(state.accountId(), erasureDeadline(state));
            }
        }
        int count = deletions.quarantined().size() + deletions.awaitingQuarantine().size();
        out.printf("Purge sagas: %,d restored with their deadlines%n", count);
        return count;
    }

    /**
     * What the saga would have done next for a deletion requested just before the loss: quarantine for the hold from
     * the request. Sent after the processors were set at the head, so the saga sees the quarantine and schedules.
     */
    void quarantine(Deletions deletions) {
        for (AccountState state : deletions.awaitingQuarantine()) {
            Instant due = AccountPurgeSaga.purgeDue(state.deletionRequestedAt(), hold, erasureDeadline(state));
            commands.sendAndWait(new QuarantineAccountCommand(state.accountId(), due), Origin.system("restore"));
        }
    }

    /** An erasure's deadline, extended if it was; null for a standard request. */
    private static Instant erasureDeadline(AccountState state) {
        return state.erasure() == null ? null : state.erasure().effectiveDeadline();
    }
}
