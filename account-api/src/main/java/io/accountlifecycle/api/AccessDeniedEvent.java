package io.accountlifecycle.api;

/**
 * An authenticated caller was refused: who tried what, on which account, and why. Recorded by the service's HTTP
 * security for the audit log; unauthenticated attempts are only counted, so anonymous traffic cannot grow the store.
 *
 * @param accountId the account the request named, or null
 * @param reason    e.g. "missing scope accounts:write"
 */
public record AccessDeniedEvent(String actor, String method, String path, String accountId, String reason) {
}
