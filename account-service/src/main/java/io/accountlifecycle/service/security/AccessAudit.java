package io.accountlifecycle.service.security;

import io.accountlifecycle.api.AccessDeniedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refusals: an authenticated caller's are counted per subject, action and minute ({@link AccessRefusals}) and become
 * at most one {@link AccessDeniedEvent} each in the event store (and so on the event topic), so a flood of refused
 * requests cannot grow the store faster than that; a subject refused more than
 * {@code account.security.refusals-per-minute} times in a minute is answered 429 until the minute ends. An anonymous
 * refusal is only counted and logged.
 */
@Component
@ConditionalOnWebApplication
class AccessAudit {

    private static final Logger log = LoggerFactory.getLogger(AccessAudit.class);
    private static final Pattern ACCOUNT_IN_PATH = Pattern.compile("/accounts/([0-9a-fA-F-]{36})");

    /**
     * What a refused request of an authenticated caller is answered.
     *
     * @param refusalsThisMinute the subject's refusals in the current minute, this one included; 0 when they could
     *                           not be counted (the request is then answered 403)
     * @param limit              {@code account.security.refusals-per-minute}
     * @param retryAfterSeconds  until the minute ends
     */
    record Refusal(long refusalsThisMinute, int limit, long retryAfterSeconds) {

        /** Past the limit: answered 429 with {@code Retry-After}. */
        boolean throttled() {
            return refusalsThisMinute > limit;
        }
    }

    private final RefusedActions actions;
    private final AccessRefusals refusals;
    private final RefusalSettings settings;
    private final Counter unauthenticated;
    private final Counter denied;
    private final Counter throttled;

    AccessAudit(RefusedActions actions, AccessRefusals refusals, RefusalSettings settings, MeterRegistry metrics) {
        this.actions = actions;
        this.refusals = refusals;
        this.settings = settings;
        this.unauthenticated = Counter.builder("account.http.unauthenticated")
                                      .description("Requests refused for a missing, expired or invalid token")
                                      .register(metrics);
        this.denied = Counter.builder("account.http.denied")
                             .description("Authenticated requests refused for a missing scope").register(metrics);
        this.throttled = Counter.builder("account.http.throttled")
                                .description("Refused requests of a subject past its refusals per minute, "
                                             + "answered 429").register(metrics);
    }

    void unauthenticated(HttpServletRequest request, String reason) {
        unauthenticated.increment();
        log.info("Unauthenticated {} {} from {}: {}", request.getMethod(), request.getRequestURI(),
                 request.getRemoteAddr(), reason);
    }

    /** Counts the refusal towards its subject's event of the minute and says whether it is past the limit. */
    Refusal denied(String actor, HttpServletRequest request, String reason) {
        denied.increment();
        int limit = settings.refusalsPerMinute();
        Matcher account = ACCOUNT_IN_PATH.matcher(request.getRequestURI());
        AccessRefusals.Tally tally;
        try {
            tally = refusals.count(actor, actions.of(request), request.getMethod(), request.getRequestURI(),
                                   account.find() ? account.group(1) : null, reason);
        } catch (RuntimeException e) {
            log.error("Could not record the refusal of {} {} for {}", request.getMethod(), request.getRequestURI(),
                      actor, e);
            return new Refusal(0, limit, 0);
        }
        Refusal refusal = new Refusal(tally.subjectRefusalsThisMinute(), limit, tally.secondsLeftInMinute());
        if (refusal.throttled()) {
            throttled.increment();
            if (refusal.refusalsThisMinute() == limit + 1L) {
                log.warn("{} was refused more than {} times this minute: answering 429 for {} s", actor, limit,
                         refusal.retryAfterSeconds());
            }
        }
        return refusal;
    }
}
