package io.accountlifecycle.service.apidocs;

import io.accountlifecycle.service.security.EndpointScopes;
import io.accountlifecycle.service.web.RateLimitSettings;
import io.accountlifecycle.service.web.RateLimits;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Contact;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI description as the code behaves: the security schemes and each operation's scopes (from
 * {@link EndpointScopes}, the table the security configuration enforces), every error the service answers as a problem
 * document, the rate-limit and CORS headers, and limits implied by the types the API speaks (a UUID is 36
 * characters). Limits of individual fields live on the request and response types themselves.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@EnableConfigurationProperties(ApiDescriptionSettings.class)
public class ApiDescriptionConfiguration {

    /** The version of the API contract (not of the build): a breaking change raises the major. */
    public static final String API_VERSION = "1.0.0";
    public static final String BEARER = "bearerAuth";
    public static final String ADMIN_BEARER = "adminBearerAuth";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";
    /** The longest text an instant, date or duration takes in ISO-8601 form (e.g. +1000000000-12-31T23:59:59.999999999Z). */
    static final int MAX_TEMPORAL_LENGTH = 40;

    private static final Map<String, String> STANDARD_ERRORS = Map.ofEntries(
            Map.entry("400", "The request is malformed or breaks a rule; `errors` names each field"),
            Map.entry("401", "No valid bearer token (missing, expired, tampered, wrongly signed or for another "
                             + "audience)"),
            Map.entry("403", "The token lacks the scope this operation needs (or a second person must decide)"),
            Map.entry("404", "No such account"),
            Map.entry("409", "The account is quarantined (`purgeDueAt` says until when; only a cancel is taken), the "
                             + "change conflicts with its state, or another change was stored at the same moment"),
            Map.entry("410", "The account was purged: its data is gone for good"),
            Map.entry("413", "The body is larger than `account.http.max-body-bytes` (16 KiB by default)"),
            Map.entry("415", "The body is not `application/json`"),
            Map.entry("429", "Too many requests from this caller (its rate limit, or too many refused requests this "
                             + "minute); retry after `Retry-After` seconds"),
            Map.entry("500", "An unexpected error; nothing about it is disclosed but the status"),
            Map.entry("503", "The database is unavailable, or the deletion breaker is open; retry after "
                             + "`Retry-After` seconds"));

    @Bean
    OpenAPI accountServiceOpenApi(ApiDescriptionSettings settings) {
        List<Server> servers = new ArrayList<>();
        for (ApiDescriptionSettings.ServerSetting server : settings.servers()) {
            Server s = new Server().url(server.url()).description(server.description());
            s.addExtension("x-internal", server.internal());
            servers.add(s);
        }
        return new OpenAPI()
                .info(new Info().title("Account lifecycle API").version(API_VERSION)
                                .summary("Open, change, read and delete accounts; every change is an event")
                                .description("""
                                        Accounts are event-sourced: every change is an event, any account can be \
                                        rebuilt from its history, and a deletion is a request, then a quarantine for \
                                        a hold an admin can cancel, then a purge that destroys the account's data key. \
                                        Every operation needs a bearer JWT with the scope its `security` names; \
                                        errors are RFC 9457 problem documents. The Kafka side is described in \
                                        AsyncAPI at `/asyncapi.json`.""")
                                .contact(new Contact().name("Account lifecycle team")
                                                      .url("https://github.com/example/account-lifecycle"))
                                .license(new License().name("Proprietary")
                                                      .url("https://github.com/example/account-lifecycle/blob/main/README.md")))
                .servers(servers)
                .components(new Components()
                        .addSecuritySchemes(BEARER, bearer("""
                                A JWT from the configured issuer (on the embedded default the jar's own `token` \
                                command), sent as `Authorization: Bearer <token>`. The service follows RFC8725 (JSON \
                                Web Token Best Current Practices): it accepts only signed tokens with the algorithm of \
                                the issuer's key (never `none`), checks issuer, expiry and — with an external issuer \
                                — the audience, and reads the caller's scopes from the `scope` claim. The actor of \
                                every change is the token's `sub`."""))
                        .addSecuritySchemes(ADMIN_BEARER, bearer("""
                                The same kind of JWT as `bearerAuth` (same issuer and RFC8725 checks), declared as its \
                                own scheme for the `/admin` surface so that gateways and reviewers can put admin-only \
                                policies on it: its operations need `accounts:admin` or `accounts:approve`, scopes \
                                meant for people, never for product services."""))
                        .headers(headers()));
    }

    private static SecurityScheme bearer(String description) {
        return new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                                   .description(description);
    }

    @Bean
    OpenApiCustomizer accountServiceOperations(RateLimitSettings rateLimit) {
        return openApi -> {
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach(
                    (method, operation) -> describe(path, HttpMethod.valueOf(method.name()), operation,
                                                    rateLimit.enabled())));
            // springdoc replaces the schemas of the bean's components with the ones it generates.
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            ApiSchemas.constrain(openApi);
            openApi.getComponents().setSchemas(new TreeMap<>(openApi.getComponents().getSchemas()));
        };
    }

    private static void describe(String path, HttpMethod method, Operation operation, boolean rateLimited) {
        EndpointScopes.Rule rule = EndpointScopes.ruleFor(method, path).orElse(null);
        List<String> scopes = rule == null ? List.of() : rule.scopes();
        boolean all = rule != null && rule.allRequired();
        String scheme = path.startsWith("/admin/") ? ADMIN_BEARER : BEARER;
        // One requirement with several scopes needs them all; several requirements are alternatives (OpenAPI).
        operation.setSecurity(all ? List.of(new SecurityRequirement().addList(scheme, scopes))
                                  : scopes.stream().map(scope -> new SecurityRequirement().addList(scheme, scope))
                                          .toList());
        if (!scopes.isEmpty() && operation.getDescription() == null) {
            operation.setDescription("Needs " + String.join(all ? " and " : " or ",
                                                            scopes.stream().map(s -> "`" + s + "`").toList()) + ".");
        }
        ApiResponses responses = operation.getResponses();
        boolean hasBody = operation.getRequestBody() != null;
        boolean hasInput = hasBody || (operation.getParameters() != null && !operation.getParameters().isEmpty());
        List<String> codes = new ArrayList<>(List.of("401", "403", "429", "500", "503"));
        if (hasInput) {
            codes.add("400");
        }
        if (hasBody) {
            codes.add("413");
            codes.add("415");
        }
        if (path.startsWith("/accounts/{id}")) {
            codes.add("404");
            if (method != HttpMethod.GET) {
                // Every command on an account meets its state: quarantined or conflicting, and purged.
                codes.add("409");
                codes.add("410");
            }
        }
        for (String code : codes) {
            if (!responses.containsKey(code)) {
                responses.addApiResponse(code, new ApiResponse().description(STANDARD_ERRORS.get(code)));
            }
        }
        Map<String, ApiResponse> sorted = new TreeMap<>(responses);
        responses.clear();
        sorted.forEach((code, response) -> responses.addApiResponse(code, withHeaders(code, response, rateLimited)));
    }

    private static ApiResponse withHeaders(String code, ApiResponse response, boolean rateLimited) {
        if (code.startsWith("4") || code.startsWith("5")) {
            // Every error is a problem document, whatever springdoc guessed from the handler's return type.
            response.setContent(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(
                    new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
        }
        Map<String, Header> headers = new LinkedHashMap<>();
        if (response.getHeaders() != null) {
            headers.putAll(response.getHeaders());
        }
        if (rateLimited && (code.startsWith("2") || code.startsWith("4"))) {
            for (String name : List.of(RateLimits.LIMIT, RateLimits.REMAINING, RateLimits.RESET)) {
                headers.put(name, ref(name));
            }
        }
        if (code.equals("429") || code.equals("503")) {
            headers.put("Retry-After", ref("Retry-After"));
        }
        if (!headers.isEmpty()) {
            headers.put("Access-Control-Allow-Origin", ref("Access-Control-Allow-Origin"));
            response.setHeaders(headers);
        }
        return response;
    }

    private static Header ref(String name) {
        return new Header().$ref("#/components/headers/" + name);
    }

    private static Map<String, Header> headers() {
        Map<String, Header> headers = new LinkedHashMap<>();
        headers.put(RateLimits.LIMIT, header("The requests this caller may make in a burst (its bucket's size); "
                                              + "each replica limits on its own", integer(1, Integer.MAX_VALUE)));
        headers.put(RateLimits.REMAINING, header("The requests this caller has left in its bucket",
                                                  integer(0, Integer.MAX_VALUE)));
        headers.put(RateLimits.RESET, header("Seconds until the bucket is full again", integer(0, 86_400)));
        headers.put("Retry-After", header("Seconds to wait before retrying", integer(0, 86_400)));
        headers.put("Access-Control-Allow-Origin", header(
                "Sent only to a browser whose `Origin` is listed in `account.http.cors.allowed-origins` (none by "
                + "default: no other site's page may call the API)",
                string(2048).format("uri")));
        return headers;
    }

    private static Header header(String description, Schema<?> schema) {
        return new Header().description(description).schema(schema);
    }

    static Schema<?> integer(long minimum, long maximum) {
        Schema<Object> schema = new Schema<>().type("integer").format(maximum > Integer.MAX_VALUE ? "int64" : "int32");
        schema.setTypes(new HashSet<>(Set.of("integer")));
        return schema.minimum(BigDecimal.valueOf(minimum)).maximum(BigDecimal.valueOf(maximum));
    }

    static Schema<?> string(int maxLength) {
        Schema<Object> schema = new Schema<>().type("string").maxLength(maxLength);
        schema.setTypes(new HashSet<>(Set.of("string")));
        return schema;
    }

    private static Schema<?> problemSchema() {
        Schema<Object> problem = new Schema<>().type("object")
                .description("An RFC 9457 problem document; `errors` names each invalid field and why")
                .addProperty("type", string(2048).format("uri-reference")
                        .description("`about:blank` unless a more specific type applies"))
                .addProperty("title", string(200).description("A short summary of the problem"))
                .addProperty("status", integer(400, 599).description("The HTTP status"))
                .addProperty("detail", string(16_384).description("What went wrong and what to do about it"))
                .addProperty("instance", string(2048).format("uri-reference").description("The request's path"))
                .addProperty("errors", new Schema<>().type("object")
                        .description("Field (or parameter) name to what is wrong with it")
                        .maxProperties(100)
                        .additionalProperties(string(1000)))
                .addProperty("purgeDueAt", string(MAX_TEMPORAL_LENGTH).format("date-time")
                        .description("For a quarantined account: when it will be purged"));
        problem.setTypes(new HashSet<>(Set.of("object")));
        problem.getProperties().get("errors").setTypes(new HashSet<>(Set.of("object")));
        problem.setRequired(List.of("title", "status"));
        return problem;
    }
}
