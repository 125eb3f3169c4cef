package io.accountlifecycle.service.security;

import io.accountlifecycle.service.web.CorsSettings;
import io.accountlifecycle.service.web.ProblemResponses;
import io.accountlifecycle.service.web.RateLimits;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import static io.accountlifecycle.service.security.Scopes.authority;

/**
 * Every endpoint needs a valid JWT and the scope of what it does; only health, the API descriptions and the purge
 * certificates' public keys are open.
 * 401 for a missing, expired, tampered or wrongly signed token or one meant for another audience (the checks are
 * {@link TokenVerificationConfiguration}'s) and 403 for a missing scope, both as problem details;
 * 429 with {@code Retry-After} instead of 403 for a subject refused more than
 * {@code account.security.refusals-per-minute} times this minute ({@link AccessAudit}). Every request on this chain
 * is first charged to its caller's rate limit ({@link RateLimits}), so every answer, refusals included, carries the
 * {@code RateLimit-*} headers, and a caller over its limit is answered 429 before anything else is decided.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({RefusalSettings.class, CorsSettings.class})
public class SecurityConfiguration {

    /**
     * The management port ({@code management.server.port}, 8081 by default) serves health and Prometheus metrics
     * without a token: it is not published outside the pod, and on Kubernetes the NetworkPolicy opens it to the
     * monitoring namespace only. Every other management endpoint is refused there.
     */
    @Bean
    @Order(1)
    @ConditionalOnWebApplication
    @ConditionalOnProperty("management.server.port")
    SecurityFilterChain management(HttpSecurity http, Environment environment) throws Exception {
        ManagementPort managementPort = new ManagementPort(environment);
        http.securityMatcher(request -> managementPort.is(request.getLocalPort()))
            .csrf(csrf -> csrf.disable())
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .authorizeHttpRequests(requests -> requests
                    .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus",
                                     "/actuator/info").permitAll()
                    .requestMatchers("/admin/**").hasAuthority(authority(Scopes.ADMIN))
                    .anyRequest().denyAll());
        return http.build();
    }

    /**
     * Spring Security's firewall with its default rules; header names and values are checked by {@link HeaderValues},
     * the same rule without a regular expression.
     */
    @Bean
    HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderValues::allowed);
        firewall.setAllowedHeaderValues(HeaderValues::allowed);
        return firewall;
    }

    /**
     * No Micrometer observations of Spring Security's own: one per filter, authentication and authorization of every
     * request, they cost more CPU than a command's handling (HTTP profile, issue 19). Every request is still timed
     * ({@code http_server_requests}), and refusals are counted and audited by {@link AccessAudit}.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Whether a request came in on the management port. Read from the environment on every request until both
     * servers have their port (a property lookup through every property source cost a few percent of the request
     * threads' CPU), then remembered.
     */
    private static final class ManagementPort {

        private final Environment environment;
        private volatile Boolean separate;
        private volatile int port;

        ManagementPort(Environment environment) {
            this.environment = environment;
        }

        boolean is(int localPort) {
            Boolean known = separate;
            if (known != null) {
                return known && localPort == port;
            }
            String started = environment.getProperty("local.management.port");
            String management = started != null ? started : environment.getProperty("management.server.port");
            String server = environment.getProperty("local.server.port");
            boolean isManagement = management != null && !management.equals(server)
                                   && management.equals(Integer.toString(localPort));
            if (server != null && started != null) {
                port = Integer.parseInt(management);
                separate = !management.equals(server);
            }
            return isManagement;
        }
    }

    @Bean
    @Order(10)
    @ConditionalOnWebApplication
    SecurityFilterChain api(HttpSecurity http, AccessAudit audit, RateLimits rateLimits, CorsSettings cors)
            throws Exception {
        http.csrf(csrf -> csrf.disable())
            // Browsers on the origins account.http.cors.allowed-origins lists (none by default) may call the API.
            .cors(c -> c.configurationSource(cors.source()))
            // Once the token is verified: charged to its subject, or to the client address without one.
            .addFilterAfter(rateLimits.filter(), BearerTokenAuthenticationFilter.class)
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .authorizeHttpRequests(requests -> {
                requests.requestMatchers("/actuator/health", "/actuator/health/**", "/livez", "/readyz",
                                         "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**",
                                         "/asyncapi.json", "/schemas/*.json", "/error",
                                         // The public keys of purge certificates, for whoever holds one.
                                         "/.well-known/purge-certificate-keys.json").permitAll();
                // The scopes of every endpoint: one table, also stated by the OpenAPI description.
                for (EndpointScopes.Rule rule : EndpointScopes.RULES) {
                    String[] authorities = rule.scopes().stream().map(Scopes::authority).toArray(String[]::new);
                    String[] patterns = rule.patterns().toArray(String[]::new);
                    var matched = rule.method() == null ? requests.requestMatchers(patterns)
                                                        : requests.requestMatchers(rule.method(), patterns);
                    if (rule.allRequired()) {
                        matched.hasAllAuthorities(authorities);
                    } else {
                        matched.hasAnyAuthority(authorities);
                    }
                }
                requests.anyRequest().denyAll();
            })
            .oauth2ResourceServer(server -> server.bearerTokenResolver(new BearerTokens())
                    .jwt(jwt -> {
                    })
                    .authenticationEntryPoint((request, response, e) -> {
                        // An invalid token stops the chain before the rate-limit filter: charged to the address here.
                        if (!rateLimits.admit(request, response)) {
                            return;
                        }
                        audit.unauthenticated(request, e.getMessage());
                        response.setHeader("WWW-Authenticate", "Bearer");
                        ProblemResponses.write(response, HttpStatus.UNAUTHORIZED, "Authentication required",
                                "Send a valid bearer token (missing, expired, tampered or wrongly signed tokens, and "
                                + "tokens for another audience, are refused).");
                    }))
            .exceptionHandling(errors -> errors
                    .authenticationEntryPoint((request, response, e) -> {
                        audit.unauthenticated(request, e.getMessage());
                        response.setHeader("WWW-Authenticate", "Bearer");
                        ProblemResponses.write(response, HttpStatus.UNAUTHORIZED, "Authentication required",
                                "Send a bearer token: Authorization: Bearer <token>.");
                    })
                    .accessDeniedHandler((request, response, e) -> {
                        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
                        String actor = caller == null ? "unknown" : caller.getName();
                        String reason = "the token of " + actor + " lacks the scope this request needs";
                        AccessAudit.Refusal refusal = audit.denied(actor, request, reason);
                        if (refusal.throttled()) {
                            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(refusal.retryAfterSeconds()));
                            ProblemResponses.write(response, HttpStatus.TOO_MANY_REQUESTS,
                                    "Too many refused requests",
                                    actor + " was refused " + refusal.refusalsThisMinute() + " times this minute, "
                                    + "more than the " + refusal.limit() + " allowed: its refusals are answered 429 "
                                    + "for another " + refusal.retryAfterSeconds() + " s; " + reason + " ("
                                    + request.getMethod() + " " + request.getRequestURI() + ").");
                        } else {
                            ProblemResponses.write(response, HttpStatus.FORBIDDEN, "Missing scope",
                                    reason + " (" + request.getMethod() + " " + request.getRequestURI() + ")");
                        }
                    }));
        return http.build();
    }
}
