package io.accountlifecycle.api;

import java.util.UUID;

/**
 * The hold ended: the account's data key is destroyed, so its personal fields are unreadable everywhere; the events
 * stay. Product services erase their own copies.
 */
public record AccountPurgedEvent(UUID accountId) {
}
