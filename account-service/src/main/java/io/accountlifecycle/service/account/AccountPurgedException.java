package io.accountlifecycle.service.account;

import java.util.UUID;

/** The account was purged: its personal data is gone for good and nothing can change it any more. */
public class AccountPurgedException extends RuntimeException {

    public AccountPurgedException(UUID accountId) {
        super("Account " + accountId + " was purged; its data cannot be restored or changed");
    }
}
