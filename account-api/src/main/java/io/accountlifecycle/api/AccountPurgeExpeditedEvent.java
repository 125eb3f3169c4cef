package io.accountlifecycle.api;

import java.util.UUID;

/** A second person approved the expedited purge: the purge saga purges the account now. */
public record AccountPurgeExpeditedEvent(UUID accountId, String approvedBy) {
}
