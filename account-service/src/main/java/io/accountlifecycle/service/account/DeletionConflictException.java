package io.accountlifecycle.service.account;

/** A deletion step that does not fit the account's state: already requested, nothing to cancel, not quarantined. */
public class DeletionConflictException extends RuntimeException {

    public DeletionConflictException(String message) {
        super(message);
    }
}
