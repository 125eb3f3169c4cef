package io.accountlifecycle.service.actor;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Who is acting on behalf of the current request: the authenticated token's subject ({@code sub}), never anything
 * the request body says. The one place an actor is decided.
 */
@Component
public class ActorResolver {

    public String currentActor() {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        if (caller == null || !caller.isAuthenticated()) {
            throw new IllegalStateException("No authenticated caller: every command endpoint requires a token");
        }
        return caller.getName();
    }

    /** Whether the current caller's token carries {@code scope}: for a rule that depends on the request's content. */
    public boolean hasScope(String scope) {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return caller != null && caller.getAuthorities().stream()
                                       .anyMatch(authority -> ("SCOPE_" + scope).equals(authority.getAuthority()));
    }
}
