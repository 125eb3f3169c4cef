package io.accountlifecycle.api;

import java.util.UUID;

/**
 * The account's protected flag was set or removed ({@code PUT /accounts/{id}/protection}). Protection is sticky: for
 * the protection look-back after it is removed, a deletion of the account still needs a second person's approval.
 *
 * @param protectedAccount the flag as it is now
 * @param changedBy        the token subject that changed it
 */
public record AccountProtectionChangedEvent(UUID accountId, boolean protectedAccount, String changedBy,
                                            String reason) {
}
