package io.accountlifecycle.api;

import java.util.UUID;

/** An account was opened; the first event of every account, read by projections and product services. */
public record AccountOpenedEvent(UUID accountId,
                                 SealedValue email,
                                 SealedValue displayName,
                                 Plan plan,
                                 boolean protectedAccount) {
}
