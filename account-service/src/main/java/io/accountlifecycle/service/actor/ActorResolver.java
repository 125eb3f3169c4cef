package io.accountlifecycle.service.actor;

import org.springframework.stereotype.Component;

/**
 * Who is acting on behalf of the current request. The one place an actor is decided, so that moving it to the
 * authenticated token's subject is a single change.
 */
@Component
public class ActorResolver {

    public static final String ANONYMOUS = "anonymous";

    public String currentActor() {
        return ANONYMOUS;
    }
}
