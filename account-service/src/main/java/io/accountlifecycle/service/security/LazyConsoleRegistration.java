package io.accountlifecycle.service.security;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

import java.util.function.Supplier;

/**
 * The console's one registration, built at its first use and then kept: when the server knows its port (the local
 * issuer), or when the provider first answers (an external one). A build that fails is tried again at the next use.
 */
public final class LazyConsoleRegistration implements ClientRegistrationRepository {

    private final Supplier<ClientRegistration> build;
    private volatile ClientRegistration registration;

    public LazyConsoleRegistration(Supplier<ClientRegistration> build) {
        this.build = build;
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!ConsoleMode.REGISTRATION_ID.equals(registrationId)) {
            return null;
        }
        ClientRegistration known = registration;
        if (known == null) {
            known = build.get();
            registration = known;
        }
        return known;
    }
}
