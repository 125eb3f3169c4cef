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
     * @param scopes   any one of them is enough, or all are needed ({@code allRequired})
     */
    public record Rule(HttpMethod method, List<String> patterns, List<String> scopes, boolean allRequired) {

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
            rule(HttpMethod.POST, List.of("/accounts/*/deletion/cancel", "/accounts/*/deletion/expedite"),
                 Scopes.ADMIN),
            rule(HttpMethod.POST, List.of("/accounts/*/deletion/expedite/approve"), Scopes.APPROVE),
            // Both: an export opens every personal field of the whole history.
            new Rule(HttpMethod.GET, List.of("/accounts/*/export"), List.of(Scopes.READ, Scopes.EXPORT), true),
            rule(HttpMethod.GET, List.of("/admin/legal-holds", "/admin/legal-holds/*"), Scopes.LEGAL, Scopes.ADMIN),
            rule(null, List.of("/admin/legal-holds", "/admin/legal-holds/**"), Scopes.LEGAL),
            rule(HttpMethod.POST, List.of("/admin/deletion-batches/*/approve", "/admin/deletion-batches/*/reject",
                                          "/admin/deletion-approvals/*/approve", "/admin/deletion-approvals/*/reject"),
                 Scopes.APPROVE),
            rule(HttpMethod.GET, List.of("/admin/deletion-approvals"), Scopes.ADMIN, Scopes.APPROVE),
            // Named although /admin/** below says the same: finding a person's account by email is for admins only.
            rule(HttpMethod.POST, List.of("/admin/accounts/search"), Scopes.ADMIN),
            rule(null, List.of("/admin/**"), Scopes.ADMIN),
            rule(HttpMethod.GET, List.of("/analytics/**"), Scopes.ANALYTICS));

    private EndpointScopes() {
    }

    private static Rule rule(HttpMethod method, List<String> patterns, String... scopes) {
        return new Rule(method, patterns, List.of(scopes), false);
    }

    /**
     * The scopes (any one of them) an endpoint needs, for a path template such as {@code /accounts/{id}}; empty when
     * no rule matches, i.e. the endpoint is refused to everyone.
     */
    public static Optional<List<String>> scopesFor(HttpMethod method, String pathTemplate) {
        return ruleFor(method, pathTemplate).map(Rule::scopes);
    }

    /** The rule an endpoint falls under, for a path template such as {@code /accounts/{id}}. */
    public static Optional<Rule> ruleFor(HttpMethod method, String pathTemplate) {
        String path = pathTemplate.replaceAll("\\{[^/}]+}", "x");
        return RULES.stream().filter(r -> r.matches(method, path)).findFirst();
    }
}
