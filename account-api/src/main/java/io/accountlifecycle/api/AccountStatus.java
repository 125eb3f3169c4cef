package io.accountlifecycle.api;

/** Where an account is in its lifecycle: serving, held for deletion, or purged for good. */
public enum AccountStatus {
    ACTIVE,
    QUARANTINED,
    PURGED
}
