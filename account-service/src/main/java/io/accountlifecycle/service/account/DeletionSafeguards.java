package io.accountlifecycle.service.account;

import java.util.UUID;

/** What every deletion request passes before it is sent, whatever its intake. */
public interface DeletionSafeguards {

    /** Refuses (with an exception) while the deletion breaker is open, and opens it above the quarantine rate. */
    void checkBreaker();

    /** Whether deleting this account needs a second admin's approval (a protected account or plan). */
    boolean requiresApproval(UUID accountId);
}
