package io.accountlifecycle.service.account;

import io.accountlifecycle.api.DeletionKind;
import io.accountlifecycle.service.command.Origin;

import java.time.Instant;

import java.util.UUID;

/**
 * The deletion policy as the account sees it: every single deletion request, approval and rejection goes through it,
 * whatever the door (HTTP or Kafka), and the account asks it before it quarantines. Implemented by
 * {@code deletion.DeletionPolicy}; an interface here so the account does not depend on the policy's package.
 */
public interface DeletionSafeguards {

    /**
     * Passes the request through the policy and sends it: refused while the breaker is open; waits for a second
     * person's approval when the account is (or recently was) protected or the request would cross a blast-radius
     * threshold. Returns why it waits, or null when the deletion goes ahead.
     */
    default String requestDeletion(UUID accountId, String reason, Origin origin) {
        return requestDeletion(accountId, reason, DeletionKind.STANDARD, null, origin);
    }

    /**
     * The same for a request of {@code kind}: an {@code ERASURE} is the person's own request, received at
     * {@code receivedAt} (null: now), whose purge happens no later than its legal deadline.
     */
    String requestDeletion(UUID accountId, String reason, DeletionKind kind, Instant receivedAt, Origin origin);

    /** A second person lets a waiting deletion go ahead (refused when expired, or while the breaker is open). */
    void approveDeletion(UUID accountId, Origin origin);

    /** A second person refuses a waiting deletion. */
    void rejectDeletion(UUID accountId, String reason, Origin origin);

    /** Whether the deletion breaker is open: a request not yet quarantined is then withdrawn, not quarantined. */
    boolean breakerOpen();

    /**
     * Why the account counts as protected now (flagged or on a protected plan within the look-back), or null: the
     * account asks again when a request that does not wait for approval arrives, in case it became protected after
     * the policy looked.
     */
    String protectedReason(AccountState state);
}
