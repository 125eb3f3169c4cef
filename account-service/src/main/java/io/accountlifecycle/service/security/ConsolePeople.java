package io.accountlifecycle.service.security;

import java.util.List;
import java.util.Optional;

/**
 * The people a local issuer signs in, as they are now: a session stands only while its person still holds its scopes.
 */
public interface ConsolePeople {

    /** The scopes {@code name} holds now; empty when they are no longer anyone the issuer signs in. */
    Optional<List<String>> currentScopes(String name);
}
