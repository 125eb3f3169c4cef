package io.accountlifecycle.service.security;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.HttpJson.Response;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every endpoint, called with no token, a tampered one, an expired one, one signed by another key, one without the
 * scope and one with it: 401, 401, 401, 401, 403, and whatever the input deserves.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecurityIT {

    @Value("${local.server.port}")
    int port;
    @Autowired
    ApplicationContext context;

    static UUID existing;

    record Endpoint(String method, String path, String body, String scope) {
        @Override
        public String toString() {
            return method + " " + path.replace(existing == null ? "-" : existing.toString(), "{id}");
        }
    }

    static Stream<Endpoint> endpoints() {
        return Stream.of(
                new Endpoint("POST", "/accounts", null, Scopes.WRITE),
                new Endpoint("GET", "/accounts/{id}", null, Scopes.READ),
                new Endpoint("GET", "/accounts/{id}?asOf=2030-01-01T00:00:00Z", null, Scopes.READ),
                new Endpoint("GET", "/accounts/{id}/events", null, Scopes.READ),
                new Endpoint("GET", "/accounts/{id}/purge-certificate", null, Scopes.READ),
                new Endpoint("PATCH", "/accounts/{id}/profile", "{\"displayName\":\"Renamed\"}", Scopes.WRITE),
                new Endpoint("PUT", "/accounts/{id}/plan", "{\"plan\":\"PREMIUM\"}", Scopes.WRITE),
                new Endpoint("POST", "/accounts/{id}/activity", "{}", Scopes.WRITE),
                new Endpoint("POST", "/accounts/{id}/deletion", "{\"reason\":\"security test\"}", Scopes.DELETE),
                new Endpoint("POST", "/accounts/{id}/deletion/cancel", "{\"reason\":\"security test\"}",
                             Scopes.ADMIN),
                new Endpoint("GET", "/admin/purges/pending", null, Scopes.ADMIN),
                new Endpoint("POST", "/admin/purges/resume", "{\"reason\":\"security test\"}", Scopes.ADMIN));
    }

    @BeforeEach
    void anAccountToCall() {
        if (existing == null) {
            existing = UUID.randomUUID();
            Response created = http(token("setup", List.of(Scopes.WRITE)))
                    .post("/accounts", openAccountJson(existing, "sec@example.com", "Sec", "FREE"));
            assertThat(created.status()).isEqualTo(201);
        }
    }

    private HttpJson http(String token) {
        return new HttpJson(port).withToken(token);
    }

    private String token(String subject, List<String> scopes) {
        return TestTokens.mint(context, subject, scopes);
    }

    private Response call(Endpoint endpoint, String token) {
        String path = endpoint.path().replace("{id}", existing.toString());
        String body = endpoint.body();
        if (endpoint.method().equals("POST") && endpoint.path().equals("/accounts")) {
            body = openAccountJson(UUID.randomUUID(), "new@example.com", "New", "FREE");
        }
        return http(token).send(endpoint.method(), path, body == null ? null : "application/json", body);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void everyEndpointRefusesWhatItShouldAndServesWhatItShould(Endpoint endpoint, @TempDir Path otherKeyDir) {
        String valid = token("alice", List.of(endpoint.scope()));
        String otherScopes = token("mallory", TestTokens.ALL_SCOPES.stream()
                                                                    .filter(s -> !s.equals(endpoint.scope())).toList());
        String expired = TestTokens.mint(context, "alice", List.of(endpoint.scope()), Duration.ofMinutes(-5));
        String tampered = tamper(valid);
        String foreign = LocalTokens.loadOrCreate(otherKeyDir.resolve("k.json"), TokenSettings.DEFAULT_ISSUER)
                                    .mint("alice", List.of(endpoint.scope()), Duration.ofMinutes(5));

        assertProblem(call(endpoint, null), 401);
        assertProblem(call(endpoint, tampered), 401);
        assertProblem(call(endpoint, expired), 401);
        assertProblem(call(endpoint, foreign), 401);
        assertProblem(call(endpoint, otherScopes), 403);
        Response allowed = call(endpoint, valid);
        assertThat(allowed.status()).as(endpoint + " with its scope: " + allowed.raw()).isBetween(200, 499)
                                    .isNotIn(401, 403);
    }

    @Value("${local.management.port}")
    int managementPort;

    @Test
    void onThePublicPortOnlyHealthTheOpenApiDescriptionAndThePurgeCertificateKeysAreOpen() {
        HttpJson anonymous = new HttpJson(port);
        assertThat(anonymous.get("/livez").status()).isEqualTo(200);
        assertThat(anonymous.get("/readyz").status()).isEqualTo(200);
        assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(200);
        assertThat(anonymous.get("/.well-known/purge-certificate-keys.json").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/prometheus").status()).isIn(401, 404);
        assertThat(anonymous.get("/anything-else").status()).isEqualTo(401);
        assertThat(http(token("alice", TestTokens.ALL_SCOPES)).get("/anything-else").status()).isEqualTo(403);
    }

    @Test
    void theManagementPortServesHealthAndMetricsToTheScraperOnly() {
        HttpJson management = new HttpJson(managementPort);
        assertThat(managementPort).isNotEqualTo(port);
        var health = management.get("/actuator/health");
        assertThat(health.status()).as(health.raw()).isEqualTo(200);
        assertThat(management.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(management.get("/actuator/prometheus").raw()).contains("account_commands_consumed_total");
        assertThat(management.get("/actuator/metrics").status()).isIn(401, 403);
    }

    @Test
    void bothPortsListenOnLoopbackOnlyUnlessConfiguredOtherwise() throws Exception {
        InetAddress external = nonLoopbackAddress();
        assumeTrue(external != null, "this machine has no non-loopback IPv4 address to try");
        for (int listening : List.of(port, managementPort)) {
            try (Socket local = new Socket()) {
                local.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listening), 2000);
            }
            try (Socket remote = new Socket()) {
                assertThatThrownBy(() -> remote.connect(new InetSocketAddress(external, listening), 2000))
                        .as("port %d on %s", listening, external).isInstanceOf(ConnectException.class);
            }
        }
    }

    private static InetAddress nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (SocketException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst().orElse(null);
    }

    @Test
    void theActorOfEveryEventIsTheTokensSubjectNotTheRequest() {
        UUID id = UUID.randomUUID();
        http(token("carol@product-a", List.of(Scopes.WRITE)))
                .post("/accounts", openAccountJson(id, "c@example.com", "C", "FREE"));
        String actor = http(token("reader", List.of(Scopes.READ))).get("/accounts/" + id + "/events").json()
                                                                  .get("items").get(0).get("metadata").get("actor")
                                                                  .asString();
        assertThat(actor).isEqualTo("carol@product-a");
    }

    @Test
    void bodiesOverTheLimitAreRefusedWith413() {
        String huge = "{\"displayName\":\"" + "x".repeat(20_000) + "\"}";
        Response refused = http(token("alice", List.of(Scopes.WRITE))).patch("/accounts/" + existing + "/profile",
                                                                               huge);
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    }

    /** The token with its subject changed from alice to admin: its signature no longer holds. */
    static String tamper(String jwt) {
        String[] parts = jwt.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]));
        String forged = payload.replace("\"sub\":\"alice\"", "\"sub\":\"admin\"");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes())
               + "." + parts[2];
    }

    private static void assertProblem(Response response, int status) {
        assertThat(response.status()).as(response.raw()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }
}
