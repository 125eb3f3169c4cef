package io.accountlifecycle.service.hold;

import io.accountlifecycle.api.ApplyLegalHoldCommand;
import io.accountlifecycle.api.LegalHoldPlacedEvent;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.LiftLegalHoldCommand;
import io.accountlifecycle.api.PlaceLegalHoldCommand;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.ReleaseLegalHoldCommand;
import io.accountlifecycle.projections.summary.AccountSummaries;
import io.accountlifecycle.projections.summary.DeletionCandidate;
import io.accountlifecycle.service.account.AccountPurgedException;
import io.accountlifecycle.service.account.AccountRuleViolationException;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.deletion.DeletionSettings;
import io.accountlifecycle.service.deletion.InvalidCriteriaException;
import io.swagger.v3.oas.annotations.media.Schema;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Places and releases legal holds. A hold's scope is resolved when it is placed — the accounts listed, and those the
 * criteria match at that moment — and stored with the hold, so it never changes silently. Every account is covered
 * before the hold is answered (its own history records the hold, and its purge is refused from then on); an account
 * already purged has nothing left to hold and is named in the answer. {@link LegalHoldCoverage} applies the same
 * again from the hold's event, so a crash half-way through leaves no account uncovered, and lifts the hold from its
 * accounts on release.
 */
@Service
public class LegalHolds {

    private final CommandSender commands;
    private final AccountSummaries summaries;
    private final DeletionSettings settings;
    private final JsonMapper json;
    private final Clock clock;

    LegalHolds(CommandSender commands, AccountSummaries summaries, DeletionSettings settings, JsonMapper json,
               Clock clock) {
        this.commands = commands;
        this.summaries = summaries;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    /** The accounts matching when the hold is placed: Active or quarantined, seen last before and/or on plans. */
    @Schema(name = "LegalHoldCriteria")
    public record Criteria(Instant inactiveSince, List<Plan> plans) {

        boolean empty() {
            return inactiveSince == null && (plans == null || plans.isEmpty());
        }
    }

    /** An account the hold could not cover, and why. */
    @Schema(name = "LegalHoldNotCovered")
    public record NotCovered(UUID accountId, @Schema(maxLength = Limits.MAX_GENERATED_TEXT_LENGTH) String reason) {
    }

    /** A placed hold: its id, how many accounts it covers, and those it could not. */
    @Schema(name = "LegalHoldPlaced")
    public record Placed(UUID holdId, int accounts, List<NotCovered> notCovered) {
    }

    public Placed place(List<UUID> accountIds, Criteria criteria, String matter, String reason, Instant endsAt,
                        Origin origin) {
        boolean byCriteria = criteria != null && !criteria.empty();
        if ((accountIds == null || accountIds.isEmpty()) && !byCriteria) {
            throw new InvalidCriteriaException("give accountIds and/or criteria (inactiveSince, plans)");
        }
        if (endsAt != null && !endsAt.isAfter(clock.instant())) {
            throw new InvalidCriteriaException("endsAt must be in the future");
        }
        int most = settings.maxBatchSize();
        Set<UUID> scope = new LinkedHashSet<>(accountIds == null ? List.of() : accountIds);
        if (byCriteria) {
            List<DeletionCandidate> matching = summaries.holdCandidates(criteria.inactiveSince(), criteria.plans(),
                                                                        most + 1);
            matching.forEach(c -> scope.add(c.accountId()));
        }
        if (scope.size() > most) {
            throw new InvalidCriteriaException("a hold covers at most " + most + " accounts; narrow the criteria or "
                                               + "place several holds (account.deletion.max-batch-size)");
        }
        if (scope.isEmpty()) {
            throw new InvalidCriteriaException("the criteria match no account that is not purged");
        }
        UUID holdId = UUID.randomUUID();
        List<UUID> listed = List.copyOf(scope);
        commands.sendAndWait(new PlaceLegalHoldCommand(holdId, matter, reason, listed,
                                                       byCriteria ? json.writeValueAsString(criteria) : null,
                                                       origin.actor(), endsAt), origin);
        List<NotCovered> notCovered = cover(new LegalHoldPlacedEvent(holdId, matter, reason, listed, null,
                                                                     origin.actor(), endsAt), origin);
        return new Placed(holdId, listed.size() - notCovered.size(), notCovered);
    }

    /** Records the hold on each of its accounts (again, to the same effect, where it already is). */
    List<NotCovered> cover(LegalHoldPlacedEvent hold, Origin origin) {
        List<NotCovered> notCovered = new ArrayList<>();
        for (UUID accountId : hold.accountIds()) {
            try {
                commands.sendAndWait(new ApplyLegalHoldCommand(accountId, hold.holdId(), hold.matter(),
                                                               hold.endsAt()), origin);
            } catch (AccountPurgedException purged) {
                notCovered.add(new NotCovered(accountId, "already purged: its personal data no longer exists"));
            } catch (AggregateNotFoundException missing) {
                notCovered.add(new NotCovered(accountId, "no such account"));
            } catch (AccountRuleViolationException full) {
                // Refused for good (it records the most holds an account may): retrying would block the processor.
                notCovered.add(new NotCovered(accountId, String.join("; ", full.violations().values())));
            }
        }
        return notCovered;
    }

    public void release(UUID holdId, String reason, Origin origin) {
        commands.sendAndWait(new ReleaseLegalHoldCommand(holdId, reason, origin.actor()), origin);
    }

    /** Takes the hold off each of its accounts. */
    void lift(UUID holdId, List<UUID> accountIds, Origin origin) {
        for (UUID accountId : accountIds) {
            try {
                commands.sendAndWait(new LiftLegalHoldCommand(accountId, holdId), origin);
            } catch (AggregateNotFoundException missing) {
                // never opened: nothing was held
            }
        }
    }
}
