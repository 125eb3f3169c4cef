package io.accountlifecycle.service.account;

import java.util.UUID;

/** An account with this id was opened before; ids are never reused, not even after a purge. */
public class AccountAlreadyExistsException extends RuntimeException {

    public AccountAlreadyExistsException(UUID accountId) {
        super("Account " + accountId + " already exists");
    }
}
