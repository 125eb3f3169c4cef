package io.accountlifecycle.service.security;

import io.accountlifecycle.service.roles.Roles;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CsrfException;

import java.util.List;
import java.util.function.Supplier;

import static io.accountlifecycle.service.security.Scopes.authority;

/**
 * The admin console's door: {@code /console/**} with a session (Spring Session on JDBC, shared by a role's replicas),
 * signed in through OpenID Connect's authorization code flow with PKCE against {@link ConsoleMode}'s issuer, CSRF
 * tokens on every form and htmx request. The person's scopes are the scopes their issuer granted the console, as
 * {@code SCOPE_…} authorities exactly like a token's on the API, and the signed-in subject is the actor of what they do
 * ({@code ActorResolver}). A refused action is audited as a refused API call is.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@Conditional(ConsoleMode.On.class)
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
public class ConsoleSecurityConfiguration {

    /** The request attribute that tells {@code /console/denied} why. */
    public static final String DENIED_REASON = "console.denied.reason";

    /** Where a person who is not signed in is sent: straight to the issuer, through Spring's client. */
    static final String SIGN_IN = "/oauth2/authorization/" + ConsoleMode.REGISTRATION_ID;

    /**
     * Console actions and the scope each needs: the same scopes as the API endpoints they mirror
     * ({@link EndpointScopes}). A person without them sees no button and is refused if they post anyway.
     */
    static final List<ConsoleRule> RULES = List.of(
            // Both, as GET /accounts/{id}/export: an export opens every personal field of the whole history.
            new ConsoleRule(HttpMethod.GET, List.of(Scopes.READ, Scopes.EXPORT), "/console/accounts/*/export"),
            new ConsoleRule(HttpMethod.GET, List.of(Scopes.READ), "/console/accounts/*/purge-certificate"),
            new ConsoleRule(HttpMethod.GET, List.of(Scopes.ANALYTICS), "/console/audit.csv"),
            new ConsoleRule(HttpMethod.POST, List.of(Scopes.APPROVE), "/console/batches/*/approve",
                            "/console/batches/*/reject", "/console/approvals/*/approve",
                            "/console/approvals/*/reject"),
            new ConsoleRule(HttpMethod.POST, List.of(Scopes.LEGAL), "/console/legal-holds", "/console/legal-holds/**"),
            new ConsoleRule(HttpMethod.POST, List.of(Scopes.ADMIN), "/console/**"));

    /** A console request and the scopes it needs, every one of them. */
    record ConsoleRule(HttpMethod method, List<String> scopes, String... patterns) {
    }

    @Bean
    @Order(4)
    SecurityFilterChain console(HttpSecurity http, ClientRegistrationRepository registrations, AccessAudit audit)
            throws Exception {
        DefaultOAuth2AuthorizationRequestResolver resolver =
                new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
        // PKCE for every client, confidential ones included (OAuth 2.1; Spring adds it by itself to public ones only).
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        OidcClientInitiatedLogoutSuccessHandler signedOut = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        signedOut.setPostLogoutRedirectUri("{baseUrl}/console/signed-out");
        signedOut.setDefaultTargetUrl("/console/signed-out");
        http.securityMatcher("/console", "/console/**", "/oauth2/authorization/**", "/login/oauth2/code/**",
                             "/webjars/**", "/console-assets/**")
            .authorizeHttpRequests(requests -> {
                requests.requestMatchers("/webjars/**", "/console-assets/**", "/console/signed-out",
                                         "/console/sign-in", "/console/denied").permitAll();
                for (ConsoleRule rule : RULES) {
                    requests.requestMatchers(rule.method(), rule.patterns()).access(signedIn(rule.scopes()));
                }
                requests.anyRequest().access(signedIn(List.of()));
            })
            .oauth2Login(login -> login
                    .loginPage("/console/sign-in")
                    .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(resolver))
                    .defaultSuccessUrl("/console", false)
                    .failureUrl("/console/sign-in?error"))
            .logout(logout -> logout.logoutUrl("/console/sign-out").logoutSuccessHandler(signedOut))
            .exceptionHandling(errors -> errors
                    .authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(SIGN_IN))
                    .accessDeniedHandler((request, response, e) -> {
                        String reason;
                        if (e instanceof CsrfException) {
                            reason = "This form was not sent from the console (its CSRF token is missing or wrong): "
                                     + "nothing was done. Reload the page and try again.";
                        } else {
                            Authentication caller = SecurityContextHolder.getContext().getAuthentication();
                            String actor = caller == null ? "unknown" : caller.getName();
                            audit.denied(actor, request, "the console session of " + actor
                                                         + " lacks the scope this action needs");
                            reason = actor + " may not do this: the action needs a scope they do not hold. "
                                     + "Nothing was done.";
                        }
                        request.setAttribute(DENIED_REASON, reason);
                        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
                        request.getRequestDispatcher("/console/denied").forward(request, response);
                    }))
            .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                    + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")));
        return http.build();
    }

    /**
     * Signed in to the console through OpenID Connect (a session of the local issuer's own sign-in form does not open
     * the console), holding every one of {@code scopes}.
     */
    private static AuthorizationManager<RequestAuthorizationContext> signedIn(List<String> scopes) {
        return (Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) -> {
            Authentication caller = authentication.get();
            boolean granted = caller instanceof OAuth2AuthenticationToken && caller.isAuthenticated()
                              && scopes.stream().allMatch(scope -> caller.getAuthorities().stream().anyMatch(
                                      a -> authority(scope).equals(a.getAuthority())));
            return new AuthorizationDecision(granted);
        };
    }
}
