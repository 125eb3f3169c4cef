package io.accountlifecycle.service.apidocs;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.service.HttpJson.Response;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI description the service serves (every role on) is the one committed for product services, and it
 * tells the truth about security: every operation refuses a token without the scopes it declares and lets one with
 * them through.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiDescriptionIT {

    /** Relative to account-service/, where Maven runs the tests. */
    static final Path COMMITTED = Path.of("../account-api/src/main/resources/openapi.json");
    static final Path SERVED = Path.of("target/openapi-served.json");
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Autowired
    ConfigurableApplicationContext context;

    @Test
    void theServedDescriptionIsTheCommittedOne() throws IOException {
        Response docs = new HttpJson(port()).get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        JsonNode served = docs.json();
        Files.writeString(SERVED, JSON.writeValueAsString(served) + "\n");
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(COMMITTED, JSON.writeValueAsString(served) + "\n");
        }
        JsonNode committed = JSON.readTree(Files.readString(COMMITTED));
        assertThat(served)
                .as("the served description differs from account-api/src/main/resources/openapi.json; the served "
                    + "one is in account-service/" + SERVED + ". If the change is meant, commit it: rerun this test "
                    + "with -Dopenapi.update=true and review the diff")
                .isEqualTo(committed);
        assertThat(served.get("openapi").asString()).isEqualTo("3.1.0");
    }

    @Test
    void everyOperationNeedsExactlyTheScopesItDeclares() {
        JsonNode docs = new HttpJson(port()).get("/v3/api-docs").json();
        List<String> checked = new ArrayList<>();
        docs.get("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            String method = entry.getKey().toUpperCase();
            JsonNode operation = entry.getValue();
            Set<String> declared = new HashSet<>();
            operation.get("security").forEach(requirement -> requirement.properties()
                    .forEach(scheme -> scheme.getValue().forEach(scope -> declared.add(scope.asString()))));
            assertThat(declared).as(method + " " + path.getKey() + " declares its scopes").isNotEmpty();
            String url = path.getKey().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
            // A body that cannot be read, and ids that do not exist: past authorisation the request is refused (400,
            // 404), so nothing changes.
            String body = method.equals("GET") ? null : "{";
            String subject = "scopes-" + UUID.randomUUID();
            List<String> others = TestTokens.ALL_SCOPES.stream().filter(s -> !declared.contains(s)).toList();
            Response refused = call(subject, others, method, url, body);
            assertThat(refused.status()).as(method + " " + path.getKey() + " without " + declared).isEqualTo(403);
            assertDeclared(operation, refused, method + " " + path.getKey());
            // One requirement naming several scopes needs them all: each alone is refused, together allowed.
            boolean allRequired = operation.get("security").size() == 1 && declared.size() > 1;
            if (allRequired) {
                for (String scope : declared) {
                    assertThat(call(subject, List.of(scope), method, url, body).status())
                            .as(method + " " + path.getKey() + " with only " + scope + " of all of " + declared)
                            .isEqualTo(403);
                }
                Response allowed = call(subject, List.copyOf(declared), method, url, body);
                assertThat(allowed.status()).as(method + " " + path.getKey() + " with " + declared).isNotIn(401, 403);
                checked.add(method + " " + path.getKey());
                return;
            }
            for (String scope : declared) {
                Response allowed = call(subject, List.of(scope), method, url, body);
                assertThat(allowed.status()).as(method + " " + path.getKey() + " with only " + scope)
                                            .isNotIn(401, 403);
                assertDeclared(operation, allowed, method + " " + path.getKey());
                if (body != null) {
                    assertThat(allowed.status()).as(method + " " + path.getKey() + " changes nothing").isBetween(400, 499);
                }
            }
            checked.add(method + " " + path.getKey());
        }));
        assertThat(checked).hasSizeGreaterThan(30);
    }

    @Test
    void aTokenSubjectLongerThanTheActorLimitIsRefused() {
        String url = "/accounts/" + UUID.randomUUID();
        String longest = "s".repeat(Limits.MAX_ACTOR_LENGTH);
        assertThat(ServiceInstances.http(context, longest, Scopes.READ).get(url).status()).isEqualTo(404);
        Response tooLong = ServiceInstances.http(context, longest + "s", Scopes.READ).get(url);
        assertThat(tooLong.status()).isEqualTo(401);
    }

    @Test
    void onlyAllowedOriginsGetTheCorsHeader() throws Exception {
        String token = TestTokens.mint(context, "cors-reader", List.of(Scopes.READ));
        String url = "http://localhost:" + port() + "/accounts/" + UUID.randomUUID();
        HttpResponse<String> allowed = get(url, token, "https://console.test");
        assertThat(allowed.statusCode()).isEqualTo(404);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://console.test");
        assertThat(allowed.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("RateLimit-Remaining");
        assertThat(allowed.headers().firstValue("RateLimit-Remaining")).isPresent();

        HttpResponse<String> other = get(url, token, "https://elsewhere.test");
        assertThat(other.statusCode()).as("another site's page").isEqualTo(403);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> service = get(url, token, null);
        assertThat(service.statusCode()).as("a caller that is not a browser").isEqualTo(404);
        assertThat(service.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> preflight = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                           .header("Origin", "https://console.test")
                           .header("Access-Control-Request-Method", "POST")
                           .header("Access-Control-Request-Headers", "authorization,content-type").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
    }

    private static HttpResponse<String> get(String url, String token, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer's status is one the description lists for the operation, with the headers it says it has. */
    private static void assertDeclared(JsonNode operation, Response response, String what) {
        JsonNode declared = operation.get("responses").get(Integer.toString(response.status()));
        assertThat(declared).as(what + " answered " + response.status() + ", which its description does not list: "
                                + response.raw()).isNotNull();
        if (declared.has("headers")) {
            declared.get("headers").propertyNames().stream()
                    .filter(name -> name.startsWith("RateLimit") || name.equals("Retry-After"))
                    .forEach(name -> assertThat(response.header(name)).as(what + " sends " + name).isNotNull());
        }
        if (response.status() >= 400) {
            assertThat(response.header("Content-Type")).as(what + " answers a problem document")
                                                       .startsWith("application/problem+json");
        }
    }

    private Response call(String subject, List<String> scopes, String method, String url, String body) {
        HttpJson http = ServiceInstances.http(context, subject, scopes.toArray(String[]::new));
        return http.send(method, url, body == null ? null : "application/json", body);
    }

    private int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
