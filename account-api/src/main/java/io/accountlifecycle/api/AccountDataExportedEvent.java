package io.accountlifecycle.api;

import java.util.UUID;

/**
 * The account's data was exported with its full history (GDPR Art. 20) to {@code exportedBy}: recorded for the audit
 * log, outside the account's own history (an export changes nothing about the account).
 *
 * @param events how many events the export held
 * @param purged whether the account was purged (the export then held no personal data)
 */
public record AccountDataExportedEvent(UUID accountId, String exportedBy, long events, boolean purged) {
}
