package io.accountlifecycle.service.security;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

import java.util.Arrays;

import static org.springframework.util.StringUtils.hasText;

/**
 * The console's registration with an external provider, from Spring's own properties
 * ({@code spring.security.oauth2.client.registration.console.*}, {@code .provider.console.issuer-uri}), discovered at
 * the first sign-in rather than at start-up: Spring Boot's repository asks the provider for its metadata while the
 * service starts, so a provider that is down would keep every pod serving the API from starting. Here the API starts
 * whatever the provider does, a sign-in while it is down fails with its reason, and the next one tries again.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@Conditional(ConsoleMode.External.class)
class ExternalConsoleRegistration {

    private static final String REGISTRATION = "spring.security.oauth2.client.registration.console.";
    private static final String PROVIDER = "spring.security.oauth2.client.provider.console.";

    @Bean
    ClientRegistrationRepository clientRegistrations(Environment environment) {
        String issuer = environment.getProperty(PROVIDER + "issuer-uri");
        if (!hasText(issuer)) {
            throw new IllegalStateException(REGISTRATION + "client-id is set but " + PROVIDER + "issuer-uri is not: "
                                            + "set it (environment SPRING_SECURITY_OAUTH2_CLIENT_PROVIDER_CONSOLE_"
                                            + "ISSUERURI) to the provider's issuer, e.g. a Keycloak realm's URL.");
        }
        return new LazyConsoleRegistration(() -> {
            ClientRegistration.Builder builder = ClientRegistrations.fromIssuerLocation(issuer.strip())
                    .registrationId(ConsoleMode.REGISTRATION_ID)
                    .clientId(environment.getProperty(REGISTRATION + "client-id"))
                    .clientSecret(environment.getProperty(REGISTRATION + "client-secret"))
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri(environment.getProperty(REGISTRATION + "redirect-uri",
                                                         "{baseUrl}/login/oauth2/code/{registrationId}"))
                    .scope(Arrays.stream(environment.getProperty(REGISTRATION + "scope", "openid").split("[,\\s]+"))
                                 .filter(s -> !s.isBlank()).toList());
            String userName = environment.getProperty(PROVIDER + "user-name-attribute");
            if (hasText(userName)) {
                builder.userNameAttributeName(userName);
            }
            return builder.build();
        });
    }
}
