package io.accountlifecycle.projections.summary;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.api.Plan;

import java.time.Instant;
import java.util.UUID;

/** An account a bulk deletion's criteria matched, as the account summary knows it. */
public record DeletionCandidate(UUID accountId,
                                AccountStatus status,
                                Plan plan,
                                boolean protectedAccount,
                                Instant lastActivityAt,
                                boolean deletionRequested) {
}
