package io.accountlifecycle.service.security;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.List;
import java.util.Optional;

/**
 * Which scopes each API endpoint needs: the one table that {@link SecurityConfiguration} enforces and the OpenAPI
 * description states, so the two cannot drift. Rules are tried in order, the first match decides (as Spring
 * Security's request matchers do); a request no rule matches is refused.
 */
public final class EndpointScopes {

    /**
     * @param method   the HTTP method, or null for any
     * @param patterns path patterns ({@code *} one segment, {@code **} any rest)
     * @param scopes   any one of them is enough
     */
    public record Rule(HttpMethod method, List<String> patterns, List<String> scopes) {

        boolean matches(HttpMethod requestMethod, String path) {
            if (method != null && !method.equals(requestMethod)) {
                return false;
            }
            PathContainer container = PathContainer.parsePath(path);
            return patterns.stream().anyMatch(p -> PathPatternParser.defaultInstance.parse(p).matches(container));
        }
    }

    public static final List<Rule> RULES = List.of(
            rule(HttpMethod.GET, List.of("/accounts/*", "/accounts/*/events", "/accounts/*/purge-certificate"),
                 Scopes.READ),
            rule(HttpMethod.POST, List.of("/accounts"), Scopes.WRITE),
            rule(HttpMethod.PATCH, List.of("/accounts/*/profile"), Scopes.WRITE),
            rule(HttpMethod.PUT, List.of("/accounts/*/plan"), Scopes.WRITE),
            rule(HttpMethod.POST, List.of("/accounts/*/activity"), Scopes.WRITE),
            // Setting the flag needs write, removing it admin: the controller checks which, on the body.
            rule(HttpMethod.PUT, List.of("/accounts/*/protection"), Scopes.WRITE, Scopes.ADMIN),
            rule(HttpMethod.POST, List.of("/accounts/*/deletion"), Scopes.DELETE),
            rule(HttpMethod.POST, List.of("/accounts/*/deletion/approve", "/accounts/*/deletion/reject"),
                 Scopes.APPROVE),
            rule(HttpMethod.POST, List.of("/accounts/*/deletion/cancel"), Scopes.ADMIN),
            rule(HttpMethod.POST, List.of("/admin/deletion-batches/*/approve", "/admin/deletion-batches/*/reject",
                                          "/admin/deletion-approvals/*/approve", "/admin/deletion-approvals/*/reject"),
                 Scopes.APPROVE),
            rule(HttpMethod.GET, List.of("/admin/deletion-approvals"), Scopes.ADMIN, Scopes.APPROVE),
            rule(null, List.of("/admin/**"), Scopes.ADMIN),
            rule(HttpMethod.GET, List.of("/analytics/**"), Scopes.ANALYTICS));

    private EndpointScopes() {
    }

    private static Rule rule(HttpMethod method, List<String> patterns, String... scopes) {
        return new Rule(method, patterns, List.of(scopes));
    }

    /**
     * The scopes (any one of them) an endpoint needs, for a path template such as {@code /accounts/{id}}; empty when
     * no rule matches, i.e. the endpoint is refused to everyone.
     */
    public static Optional<List<String>> scopesFor(HttpMethod method, String pathTemplate) {
        String path = pathTemplate.replaceAll("\\{[^/}]+}", "x");
        return RULES.stream().filter(r -> r.matches(method, path)).findFirst().map(Rule::scopes);
    }
}
