package io.accountlifecycle.api;

import java.time.Instant;

/**
 * An authenticated caller was refused, once or many times: who tried what, on which account, why, how often and
 * when. Recorded by the service's HTTP security for the audit log, at most one per subject, action (an endpoint, or
 * any path no endpoint serves) and minute however many requests were refused; unauthenticated attempts are only
 * counted, so anonymous traffic cannot grow the store.
 *
 * @param method    the HTTP method, or {@code *} when the refusals used several
 * @param path      the path requested, or the endpoint's pattern ({@code /accounts/{id}/plan}; {@code /**} for paths
 *                  no endpoint serves) when the refusals requested several
 * @param accountId the account the refusals named when they all named the same one, or null
 * @param reason    e.g. "the token of eve lacks the scope this request needs"
 * @param count     how many requests were refused; 1 for an event stored before refusals were aggregated
 * @param firstAt   when the first of them was refused; null for an event stored before refusals were aggregated
 * @param lastAt    when the last of them was refused, within the same minute; null likewise
 */
public record AccessDeniedEvent(String actor, String method, String path, String accountId, String reason,
                                long count, Instant firstAt, Instant lastAt) {

    public AccessDeniedEvent {
        // A payload stored before the count existed deserializes with 0: it stood for one refusal.
        if (count < 1) {
            count = 1;
        }
    }

    /** A single refusal, as one was recorded before refusals were aggregated. */
    public AccessDeniedEvent(String actor, String method, String path, String accountId, String reason) {
        this(actor, method, path, accountId, reason, 1, null, null);
    }
}
