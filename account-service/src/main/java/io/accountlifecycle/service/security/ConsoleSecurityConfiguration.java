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
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
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
            // Actions (POST), by the scope of the API endpoint each mirrors (EndpointScopes).
            ConsoleRule.any(HttpMethod.POST, List.of(Scopes.APPROVE), "/console/batches/*/approve",
                            "/console/batches/*/reject", "/console/approvals/*/approve",
                            "/console/approvals/*/reject"),
            ConsoleRule.any(HttpMethod.POST, List.of(Scopes.LEGAL), "/console/legal-holds/**"),
            ConsoleRule.any(HttpMethod.POST, List.of(Scopes.ADMIN), "/console/**"),
            // Pages and downloads, whatever the method (HEAD included): what the API's reads need.
            ConsoleRule.all(List.of(Scopes.READ, Scopes.EXPORT), "/console/accounts/*/export"),
            ConsoleRule.any(null, List.of(Scopes.READ), "/console/accounts", "/console/accounts/**"),
            ConsoleRule.any(null, List.of(Scopes.ANALYTICS), "/console/audit", "/console/audit.csv"),
            ConsoleRule.any(null, List.of(Scopes.ADMIN, Scopes.APPROVE), "/console/batches", "/console/batches/**",
                            "/console/approvals"),
            ConsoleRule.any(null, List.of(Scopes.LEGAL, Scopes.ADMIN), "/console/legal-holds"),
            ConsoleRule.any(null, List.of(Scopes.ADMIN), "/console/purges", "/console/purges/**", "/console/safety",
                            "/console/erasure-requests", "/console/operations/**"),
            // The start page: anyone signed in (it shows their scopes, or that they have none).
            ConsoleRule.any(HttpMethod.GET, List.of(), "/console", "/console/"));

    /**
     * Console requests and the scopes they need: any one of them, or every one ({@code all}); no scope, only being
     * signed in. {@code method} null: whatever the method.
     */
    record ConsoleRule(HttpMethod method, List<String> scopes, boolean all, String... patterns) {

        static ConsoleRule any(HttpMethod method, List<String> scopes, String... patterns) {
            return new ConsoleRule(method, scopes, false, patterns);
        }

        static ConsoleRule all(List<String> scopes, String... patterns) {
            return new ConsoleRule(null, scopes, true, patterns);
        }
    }

    @Bean
    @Order(4)
    SecurityFilterChain console(HttpSecurity http, ClientRegistrationRepository registrations, AccessAudit audit,
                                Environment environment, ObjectProvider<ConsolePeople> people, Clock clock)
            throws Exception {
        Duration maxAge = environment.getProperty("account.console.session-max-age", Duration.class,
                                                  Duration.ofHours(8));
        DefaultOAuth2AuthorizationRequestResolver resolver =
                new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
        // PKCE for every client, confidential ones included (OAuth 2.1; Spring adds it by itself to public ones only).
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        OidcClientInitiatedLogoutSuccessHandler signedOut = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        signedOut.setPostLogoutRedirectUri("{baseUrl}/console/signed-out");
        signedOut.setDefaultTargetUrl("/console/signed-out");
        // A prefix test first: the API's requests (every POST /accounts) pass this chain by with a few string compares.
        http.securityMatcher(new AndRequestMatcher(
                    request -> startsWithAny(request.getRequestURI(), "/console", "/oauth2/authorization/",
                                             "/login/oauth2/code/", "/webjars/", "/console-assets/"),
                    new OrRequestMatcher(Stream.of("/console", "/console/**", "/oauth2/authorization/**",
                                                   "/login/oauth2/code/**", "/webjars/**", "/console-assets/**")
                                               .map(p -> (RequestMatcher) PathPatternRequestMatcher.withDefaults()
                                                                                                   .matcher(p))
                                               .toList())))
            .addFilterBefore(new ConsoleSessionGuard(maxAge, Optional.ofNullable(people.getIfAvailable()), clock),
                             AuthorizationFilter.class)
            .authorizeHttpRequests(requests -> {
                requests.requestMatchers("/webjars/**", "/console-assets/**", "/console/signed-out",
                                         "/console/sign-in", "/console/denied").permitAll();
                for (ConsoleRule rule : RULES) {
                    var matched = rule.method() == null ? requests.requestMatchers(rule.patterns())
                                                        : requests.requestMatchers(rule.method(), rule.patterns());
                    matched.access(signedIn(rule));
                }
                // Anything else under /console: refused to everyone (a page nobody made a rule for stays shut).
                requests.anyRequest().access(signedIn(null));
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
                        Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
                        if (!(e instanceof CsrfException) && !(signedIn instanceof OAuth2AuthenticationToken)) {
                            // Signed in to the local issuer's form only: on to the console's own sign-in.
                            response.sendRedirect(request.getContextPath() + SIGN_IN);
                            return;
                        }
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
                    + "frame-ancestors 'none'; form-action 'self'" + providerOrigin(environment)
                    + "; base-uri 'none'")));
        return http.build();
    }

    /**
     * The external provider's origin, for {@code form-action}: signing out posts to the console, which sends the
     * browser on to the provider's end-session endpoint, and browsers hold that redirect to the form's policy.
     */
    private static String providerOrigin(Environment environment) {
        String issuer = environment.getProperty("spring.security.oauth2.client.provider.console.issuer-uri");
        if (issuer == null || issuer.isBlank()) {
            return "";
        }
        URI uri = URI.create(issuer.strip());
        return " " + uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static boolean startsWithAny(String path, String... prefixes) {
        for (String prefix : prefixes) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Signed in to the console through OpenID Connect (a session of the local issuer's own sign-in form does not open
     * the console), holding the rule's scopes; {@code rule} null: refused.
     */
    private static AuthorizationManager<RequestAuthorizationContext> signedIn(ConsoleRule rule) {
        return (Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) -> {
            Authentication caller = authentication.get();
            if (rule == null || !(caller instanceof OAuth2AuthenticationToken) || !caller.isAuthenticated()) {
                return new AuthorizationDecision(false);
            }
            if (rule.scopes().isEmpty()) {
                return new AuthorizationDecision(true);
            }
            var held = rule.scopes().stream().filter(scope -> caller.getAuthorities().stream().anyMatch(
                    a -> authority(scope).equals(a.getAuthority())));
            return new AuthorizationDecision(rule.all() ? held.count() == rule.scopes().size() : held.findAny()
                                                                                                    .isPresent());
        };
    }
}
