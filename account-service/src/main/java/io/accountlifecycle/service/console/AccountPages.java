package io.accountlifecycle.service.console;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.SealedValueOpener;
import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.service.account.AccountState;
import io.accountlifecycle.service.account.http.AccountExport;
import io.accountlifecycle.service.account.http.AccountExports;
import io.accountlifecycle.service.account.query.AccountHistory;
import io.accountlifecycle.service.certificate.PurgeCertificateClaims;
import io.accountlifecycle.service.certificate.PurgeCertificates;
import org.springframework.http.HttpStatus;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.deletion.DeletionPolicy;
import io.accountlifecycle.service.eventstore.EventTypes;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.service.search.AccountsByEmail;
import io.accountlifecycle.service.security.ConsoleMode;
import org.springframework.beans.factory.ObjectProvider;
import io.accountlifecycle.service.security.Scopes;
import org.axonframework.eventhandling.DomainEventMessage;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * Find an account by id (or by email, {@link AccountSearchPages}), its state, its timeline, its state as it was at an
 * instant (the same {@code asOf} rebuild as {@code GET /accounts/{id}?asOf=}, with the time it took), and the cancel
 * of its pending deletion: the same application services as the API.
 */
@Controller
@Conditional(ConsoleMode.On.class)
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class AccountPages {

    private static final int TIMELINE_PAGE = 50;

    private final AccountHistory history;
    private final AccountCommands commands;
    private final SealedValueOpener opener;
    private final ActorResolver actors;
    private final Clock clock;
    private final AccountExports exports;
    private final PurgeCertificates certificates;
    private final ObjectProvider<AccountsByEmail> byEmail;
    private final DeletionPolicy policy;

    AccountPages(AccountHistory history, AccountCommands commands, SealedValueOpener opener, ActorResolver actors,
                 Clock clock, AccountExports exports, PurgeCertificates certificates,
                 ObjectProvider<AccountsByEmail> byEmail, DeletionPolicy policy) {
        this.byEmail = byEmail;
        this.policy = policy;
        this.exports = exports;
        this.certificates = certificates;
        this.history = history;
        this.commands = commands;
        this.opener = opener;
        this.actors = actors;
        this.clock = clock;
    }

    /** One line of the timeline. */
    record TimelineEntry(long sequence, Instant at, String change, Object actor, Object reason) {
    }

    @GetMapping("/console/accounts")
    String find(@RequestParam(required = false) String id, Model model) {
        if (id == null || id.isBlank()) {
            return "accounts";
        }
        try {
            return "redirect:/console/accounts/" + UUID.fromString(id.strip());
        } catch (IllegalArgumentException e) {
            model.addAttribute("error", "\"" + id.strip() + "\" is not an account id (a UUID such as "
                                        + "3f2b…-…): search by email instead, or paste the whole id.");
            return "accounts";
        }
    }

    /** Accounts with this email (exact, case and spaces ignored), as {@code POST /admin/accounts/search}. */
    @PostMapping("/console/accounts/search")
    String search(@RequestParam(defaultValue = "") String email, Model model) {
        model.addAttribute("email", email);
        AccountsByEmail index = byEmail.getIfAvailable();
        if (email.isBlank() || email.length() > Limits.MAX_EMAIL_LENGTH) {
            model.addAttribute("error", "Give the email address to look for (at most " + Limits.MAX_EMAIL_LENGTH
                                        + " characters).");
        } else if (index == null) {
            model.addAttribute("error", "The projections role does not run on this instance: search by id.");
        } else {
            model.addAttribute("results", index.find(email));
        }
        return "accounts";
    }

    @GetMapping("/console/accounts/{id}")
    String account(@PathVariable UUID id, @RequestParam(required = false) String asOf,
                   @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("accountId", id);
        Optional<AccountState> current = history.currentState(id);
        if (current.isEmpty()) {
            model.addAttribute("error", "No account " + id);
            return "accounts";
        }
        AccountState state = current.get();
        model.addAttribute("account", state);
        model.addAttribute("holds", state.holdsInForce(clock.instant()));
        model.addAttribute("email", actors.hasScope(Scopes.READ) ? opener.open(state.email()).orElse(null) : null);
        model.addAttribute("cancellable", state.status() == AccountStatus.QUARANTINED || state.approval() != null);
        model.addAttribute("value", policy.valueAtRisk(state, clock.instant()));
        if (asOf != null && !asOf.isBlank()) {
            asOf(id, asOf.strip(), model);
        }
        int safePage = Math.max(0, page);
        history.events(id, safePage, TIMELINE_PAGE).ifPresent(events -> {
            model.addAttribute("timeline", events.items().stream().map(AccountPages::entry).toList());
            model.addAttribute("timelinePage", events);
        });
        return "account";
    }

    private void asOf(UUID id, String asOf, Model model) {
        Instant instant;
        try {
            instant = asOf.endsWith("Z") || asOf.contains("+") ? Instant.parse(asOf)
                                                               : LocalDateTime.parse(asOf).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            model.addAttribute("asOfError", "\"" + asOf + "\" is not an instant: use 2026-11-23T10:15:30Z");
            return;
        }
        long started = System.nanoTime();
        Optional<AccountState> then = history.stateAsOf(id, instant);
        double tookMillis = (System.nanoTime() - started) / 1e6;
        model.addAttribute("asOf", instant);
        model.addAttribute("asOfTookMillis", tookMillis);
        then.ifPresentOrElse(state -> model.addAttribute("then", state),
                             () -> model.addAttribute("asOfError", "The account did not exist at " + instant));
    }

    private static TimelineEntry entry(DomainEventMessage<?> event) {
        return new TimelineEntry(event.getSequenceNumber(), event.getTimestamp(),
                                 EventTypes.nameOf(event.getPayloadType()), event.getMetaData().get("actor"),
                                 reasonOf(event.getPayload()));
    }

    private static Object reasonOf(Object payload) {
        try {
            var accessor = payload.getClass().getMethod("reason");
            return accessor.invoke(payload);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The account's data with its full history (audited), as {@code GET /accounts/{id}/export} gives it. */
    @GetMapping("/console/accounts/{id}/export")
    ResponseEntity<AccountExport> export(@PathVariable UUID id) {
        return ResponseEntity.ok()
                             .header(HttpHeaders.CONTENT_DISPOSITION,
                                     "attachment; filename=\"account-" + id + ".json\"")
                             .cacheControl(CacheControl.noStore())
                             .body(exports.export(id, actors.currentActor()));
    }

    /** A purged account's certificate (a compact JWS), as {@code GET /accounts/{id}/purge-certificate} gives it. */
    @GetMapping("/console/accounts/{id}/purge-certificate")
    ResponseEntity<String> certificate(@PathVariable UUID id) {
        try {
            return certificates.issue(id)
                           .map(jws -> ResponseEntity.ok()
                                                     .contentType(MediaType.parseMediaType("application/jose"))
                                                     .header(HttpHeaders.CONTENT_DISPOSITION,
                                                             "attachment; filename=\"purge-certificate-" + id
                                                             + ".jws\"")
                                                     .cacheControl(CacheControl.noStore()).body(jws))
                           .orElseGet(() -> ResponseEntity.notFound().build());
        } catch (PurgeCertificateClaims.NotPurgedException e) {
            return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.TEXT_PLAIN)
                                 .body(e.getMessage() + ": there is nothing to certify yet.");
        }
    }

    /** Cancel one account's deletion: the form restates the account id, as the person must. */
    @PostMapping("/console/accounts/{id}/cancel-deletion")
    String cancel(@PathVariable UUID id, @RequestParam(defaultValue = "") String confirmId,
                  @RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
        if (!id.toString().equalsIgnoreCase(confirmId.strip())) {
            redirect.addFlashAttribute("error", "Type the account id " + id + " to confirm: nothing was cancelled.");
        } else if (ConsoleModel.badReason(reason)) {
            redirect.addFlashAttribute("error", ConsoleModel.giveAReason("nothing was cancelled."));
        } else {
            try {
                commands.cancelDeletion(id, reason.strip(), Origin.of(actors.currentActor()));
                redirect.addFlashAttribute("done", "Deletion of " + id + " cancelled: the account is Active again "
                                                   + "with all its data.");
            } catch (RuntimeException e) {
                redirect.addFlashAttribute("error", ConsoleModel.describe(e));
            }
        }
        return "redirect:/console/accounts/" + id;
    }
}
