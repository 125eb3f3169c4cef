package io.accountlifecycle.service.security;

import java.util.List;

/** The OAuth2 scopes the API is authorised by; a contract with the identity provider's client configuration. */
public final class Scopes {

    /** Read accounts, their history and state as of an instant; opens personal fields. */
    public static final String READ = "accounts:read";
    /** Open accounts and change them (product services). */
    public static final String WRITE = "accounts:write";
    /** Request deletion of an account. */
    public static final String DELETE = "accounts:delete";
    /** Cancel deletions, pause and resume purges, run batches and replays. */
    public static final String ADMIN = "accounts:admin";
    /** Approve what needs a second person. */
    public static final String APPROVE = "accounts:approve";
    /** Place and release legal holds. */
    public static final String LEGAL = "accounts:legal";
    /** Export an account's data with its full history (GDPR Art. 20), together with {@link #READ}. */
    public static final String EXPORT = "accounts:export";
    /** Query the analytics read models. */
    public static final String ANALYTICS = "analytics:read";
    /** Every scope, in the README's order. */
    public static final List<String> ALL = List.of(READ, WRITE, DELETE, ADMIN, APPROVE, LEGAL, EXPORT, ANALYTICS);

    private Scopes() {
    }

    public static String authority(String scope) {
        return "SCOPE_" + scope;
    }
}
