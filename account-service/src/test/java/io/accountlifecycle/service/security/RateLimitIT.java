package io.accountlifecycle.service.security;

import io.accountlifecycle.service.HttpJson.Response;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-caller rate limit with a low budget (bursts of {@value #BURST}, one request a second): every answer of the
 * API port carries the budget, a caller over it is answered 429 and nothing is done, budgets are per subject, invalid
 * tokens are charged to their address, and the probes, the API description and the management port are never
 * limited. Each test spends its own subjects' (or its own loopback address's) budget, so one context serves all.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
                properties = {"account.http.rate-limit.burst=" + RateLimitIT.BURST,
                              "account.http.rate-limit.requests-per-second=1",
                              "account.security.refusals-per-minute=2"})
class RateLimitIT {

    static final int BURST = 8;

    @Value("${local.server.port}")
    int port;
    @Value("${local.management.port}")
    int managementPort;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void everyAnswerOfTheApiCarriesTheCallersBudget() throws Exception {
        HttpJson writer = client("writer-" + UUID.randomUUID(), TestTokens.ALL_SCOPES);
        UUID id = UUID.randomUUID();
        Response created = writer.post("/accounts", openAccountJson(id, "rl@example.com", "Rate Limited", "FREE"));
        assertThat(created.status()).isEqualTo(201);
        assertFreshBudget(created);
        Response read = writer.get("/accounts/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertBudget(read);
        assertThat(Long.parseLong(read.header("RateLimit-Remaining"))).isLessThan(BURST - 1);
        assertProblemWithBudget(writer.post("/accounts", openAccountJson(id, "rl@example.com", "Again", "FREE")), 409);

        // Each answered by Spring MVC or the problem advice, for a subject with a full budget.
        assertProblemWithFreshBudget(client("invalid-" + UUID.randomUUID(), TestTokens.ALL_SCOPES)
                                             .post("/accounts", "{\"accountId\":\"not-a-uuid\"}"), 400);
        assertProblemWithFreshBudget(client("unknown-" + UUID.randomUUID(), TestTokens.ALL_SCOPES)
                                             .get("/accounts/" + UUID.randomUUID()), 404);
        assertProblemWithFreshBudget(client("media-" + UUID.randomUUID(), TestTokens.ALL_SCOPES)
                                             .send("POST", "/accounts", "text/plain", "hello"), 415);
        assertProblemWithFreshBudget(chunkedPatch(id, "x".repeat(20_000)), 413);
        // The security chain's refusals: a missing scope, no token, a tampered one.
        assertProblemWithFreshBudget(client("scopeless-" + UUID.randomUUID(), List.of(Scopes.READ))
                                             .post("/accounts", openAccountJson(UUID.randomUUID(), "a@b.c", "A",
                                                                                "FREE")), 403);
        assertProblemWithBudget(new HttpJson(port).get("/accounts/" + id), 401);
        assertProblemWithBudget(new HttpJson(port).withToken(SecurityIT.tamper(token("alice", TestTokens.ALL_SCOPES)))
                                                  .get("/accounts/" + id), 401);
        // A declared body over the size limit is refused before the token is read: charged to the address.
        assertProblemWithBudget(writer.patch("/accounts/" + id + "/profile",
                                             "{\"displayName\":\"" + "x".repeat(20_000) + "\"}"), 413);
    }

    @Test
    void aCallerOverItsLimitIsAnswered429AndNothingIsDoneUntilItsBucketRefills() throws Exception {
        HttpJson greedy = client("greedy-" + UUID.randomUUID(), TestTokens.ALL_SCOPES);
        Response refused = null;
        UUID refusedId = null;
        for (int i = 0; i <= BURST + 3 && refused == null; i++) {
            UUID id = UUID.randomUUID();
            Response answer = greedy.post("/accounts", openAccountJson(id, "g@example.com", "Greedy", "FREE"));
            if (answer.status() == 429) {
                refused = answer;
                refusedId = id;
            } else {
                assertThat(answer.status()).as(answer.raw()).isEqualTo(201);
            }
        }
        assertThat(refused).as("429 within the burst and a few refills").isNotNull();
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("title").asString()).isEqualTo("Too many requests");
        assertThat(refused.json().get("status").asInt()).isEqualTo(429);
        assertThat(refused.header("RateLimit-Limit")).isEqualTo(Integer.toString(BURST));
        assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(Long.parseLong(refused.header("RateLimit-Reset"))).isBetween(1L, (long) BURST);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from domain_event_entry where aggregate_identifier = ?",
                                       Integer.class, refusedId.toString())).as("the refused account").isZero();

        // Another subject's budget is its own.
        HttpJson patient = client("patient-" + UUID.randomUUID(), TestTokens.ALL_SCOPES);
        Response other = patient.post("/accounts", openAccountJson(UUID.randomUUID(), "p@example.com", "P", "FREE"));
        assertThat(other.status()).isEqualTo(201);
        assertFreshBudget(other);

        // Admitted again once the refill allows one more request (a refused try consumes nothing).
        UUID retried = refusedId;
        Response again = await().atMost(Duration.ofSeconds(retryAfter + 5)).pollInterval(Duration.ofMillis(200))
                                .until(() -> greedy.post("/accounts", openAccountJson(retried, "g@example.com",
                                                                                      "Greedy", "FREE")),
                                       answer -> answer.status() != 429);
        assertThat(again.status()).as(again.raw()).isEqualTo(201);
        assertBudget(again);
    }

    @Test
    void invalidTokensAreChargedToTheirAddressNotToTheSubjectTheyName() throws Exception {
        // alice's token with its subject changed to admin: the signature no longer holds.
        String forged = SecurityIT.tamper(token("alice", List.of(Scopes.ADMIN)));
        String address = "127.0.0.2";
        Raw refused = null;
        for (int i = 0; i <= BURST + 3 && refused == null; i++) {
            Raw answer = raw(address, "/admin/purges/pending", forged);
            if (answer.status() == 429) {
                refused = answer;
            } else {
                assertThat(answer.status()).isEqualTo(401);
                assertThat(answer.header("RateLimit-Limit")).isEqualTo(Integer.toString(BURST));
            }
        }
        assertThat(refused).as("429 for the address within the burst and a few refills").isNotNull();
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(raw(address, "/admin/purges/pending", null).status()).as("no token, same address").isEqualTo(429);

        // The subject the forgeries named, from the same address, still has its whole budget.
        Raw admin = raw(address, "/admin/purges/pending", token("admin", List.of(Scopes.ADMIN)));
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.header("RateLimit-Remaining")).isEqualTo(Integer.toString(BURST - 1));

        // The probes and the API description are never limited, and carry no budget.
        for (String open : List.of("/livez", "/readyz", "/v3/api-docs")) {
            Raw answer = raw(address, open, null);
            assertThat(answer.status()).as(open).isEqualTo(200);
            assertThat(answer.header("RateLimit-Limit")).as(open).isNull();
        }
    }

    @Test
    void theRefusalThrottlesAnswerCarriesTheBudgetToo() {
        HttpJson nosy = client("nosy-" + UUID.randomUUID(), List.of(Scopes.READ));
        Response answer = null;
        // refusals-per-minute=2: the third refusal of the minute (a fifth, if the minute turned) is throttled.
        for (int i = 0; i < 5 && (answer == null || answer.status() != 429); i++) {
            answer = nosy.put("/accounts/" + UUID.randomUUID() + "/plan", "{\"plan\":\"FREE\"}");
            assertProblemWithBudget(answer, answer.status() == 429 ? 429 : 403);
        }
        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.json().get("title").asString()).isEqualTo("Too many refused requests");
        assertThat(answer.header("Retry-After")).isNotNull();
        assertThat(Long.parseLong(answer.header("RateLimit-Remaining"))).isPositive();
    }

    @Test
    void theManagementPortIsNotLimited() {
        HttpJson management = new HttpJson(managementPort);
        for (int i = 0; i <= BURST; i++) {
            Response health = management.get("/actuator/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.header("RateLimit-Limit")).isNull();
        }
        Response oversized = management.post("/actuator/health", "x".repeat(20_000));
        assertThat(oversized.header("RateLimit-Limit")).isNull();
    }

    private String token(String subject, List<String> scopes) {
        return TestTokens.mint(context, subject, scopes);
    }

    private HttpJson client(String subject, List<String> scopes) {
        return new HttpJson(port).withToken(token(subject, scopes));
    }

    /** A body without a declared length: cut off while Spring MVC reads it, answered by the problem advice. */
    private Response chunkedPatch(UUID id, String displayName) throws Exception {
        byte[] body = ("{\"displayName\":\"" + displayName + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/accounts/" + id + "/profile"))
                           .header("Content-Type", "application/json")
                           .header("Authorization", "Bearer " + token("chunked-" + UUID.randomUUID(),
                                                                      List.of(Scopes.WRITE)))
                           .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(
                                   () -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers(), response.body());
    }

    private record Raw(int status, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A GET sent from {@code localAddress} (another loopback address: a budget of its own). */
    private Raw raw(String localAddress, String path, String bearer) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5_000);
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                             + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String[] lines = answer.substring(0, answer.indexOf("\r\n\r\n")).split("\r\n");
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
            }
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers);
        }
    }

    private static void assertBudget(Response response) {
        assertThat(response.header("RateLimit-Limit")).as(response.raw()).isEqualTo(Integer.toString(BURST));
        assertThat(Long.parseLong(response.header("RateLimit-Remaining"))).isBetween(0L, BURST - 1L);
        assertThat(Long.parseLong(response.header("RateLimit-Reset"))).isBetween(0L, (long) BURST);
    }

    /** The first request of a subject: one spent, a second to refill it at one a second. */
    private static void assertFreshBudget(Response response) {
        assertBudget(response);
        assertThat(response.header("RateLimit-Remaining")).isEqualTo(Integer.toString(BURST - 1));
        assertThat(response.header("RateLimit-Reset")).isEqualTo("1");
    }

    private static void assertProblemWithBudget(Response response, int status) {
        assertThat(response.status()).as(response.raw()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertBudget(response);
    }

    private static void assertProblemWithFreshBudget(Response response, int status) {
        assertProblemWithBudget(response, status);
        assertFreshBudget(response);
    }
}
