package io.accountlifecycle.service.account.http;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.HttpJson.Response;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;

@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccountApiIT {

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ApplicationContext context;

    HttpJson http;

    @BeforeEach
    void setUp() {
        http = new HttpJson(port).withToken(TestTokens.mint(context, "test-user", TestTokens.ALL_SCOPES));
    }

    private UUID open(String plan) {
        UUID id = UUID.randomUUID();
        Response created = http.post("/accounts", openAccountJson(id, "ada@example.com", "Ada Lovelace", plan));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return id;
    }

    private int storedEvents(UUID id) {
        return jdbc.queryForObject("select count(*) from domain_event_entry where aggregate_identifier = ?",
                                   Integer.class, id.toString());
    }

    private int storedKeys(UUID id) {
        return jdbc.queryForObject("select count(*) from account_data_key where key_id = ?", Integer.class,
                                   id.toString());
    }

    @Test
    void anOpenedAccountIsAnEventInPostgresAndReadsBackFromIt() {
        UUID id = UUID.randomUUID();
        Response created = http.post("/accounts", """
                {"accountId":"%s","email":"ada@example.com","displayName":"Ada Lovelace","plan":"PREMIUM",
                 "protected":true}""".formatted(id));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).endsWith("/accounts/" + id);
        assertThat(storedEvents(id)).isEqualTo(1);

        Response state = http.get("/accounts/" + id);
        assertThat(state.status()).isEqualTo(200);
        JsonNode body = state.json();
        assertThat(body.get("accountId").asString()).isEqualTo(id.toString());
        assertThat(body.get("status").asString()).isEqualTo("ACTIVE");
        assertThat(body.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(body.get("displayName").asString()).isEqualTo("Ada Lovelace");
        assertThat(body.get("plan").asString()).isEqualTo("PREMIUM");
        assertThat(body.get("protected").asBoolean()).isTrue();
        assertThat(body.get("version").asLong()).isZero();
        assertThat(body.get("lastActivityAt").isNull()).isTrue();
        assertThat(state.header("ETag")).isEqualTo("\"0\"");
    }

    @Test
    void everyChangeIsAnEventInTheHistoryWithItsActor() {
        UUID id = open("PREMIUM");
        assertThat(http.patch("/accounts/" + id + "/profile", "{\"displayName\":\"Ada King\"}").status())
                .isEqualTo(204);
        assertThat(http.put("/accounts/" + id + "/plan", "{\"plan\":\"ENTERPRISE\"}").status()).isEqualTo(204);
        assertThat(http.post("/accounts/" + id + "/activity", "{\"lastActivityAt\":\"2026-11-20T08:00:00Z\"}")
                       .status()).isEqualTo(204);
        assertThat(http.send("POST", "/accounts/" + id + "/activity", null, null).status()).isEqualTo(204);

        JsonNode state = http.get("/accounts/" + id).json();
        assertThat(state.get("displayName").asString()).isEqualTo("Ada King");
        assertThat(state.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(state.get("plan").asString()).isEqualTo("ENTERPRISE");
        assertThat(Instant.parse(state.get("lastActivityAt").asString())).isAfter(Instant.parse("2026-11-20T08:00:00Z"));
        assertThat(state.get("version").asLong()).isEqualTo(4);

        JsonNode events = http.get("/accounts/" + id + "/events").json();
        assertThat(events.get("totalItems").asLong()).isEqualTo(5);
        List<String> types = events.get("items").valueStream().map(e -> e.get("type").asString()).toList();
        assertThat(types).containsExactly("AccountOpened", "AccountProfileUpdated", "AccountPlanChanged",
                                          "AccountActivityRecorded", "AccountActivityRecorded");
        JsonNode first = events.get("items").get(0);
        assertThat(first.get("sequenceNumber").asLong()).isZero();
        assertThat(first.get("payload").get("email").asString()).isEqualTo("ada@example.com");
        assertThat(first.get("metadata").get("actor").asString()).as("the token's subject").isEqualTo("test-user");
        assertThat(first.get("occurredAt").asString()).isNotBlank();
    }

    @Test
    void theHistoryPages() {
        UUID id = open("FREE");
        for (int i = 1; i <= 4; i++) {
            http.post("/accounts/" + id + "/activity", "{\"lastActivityAt\":\"2026-11-0%dT08:00:00Z\"}".formatted(i));
        }
        JsonNode page = http.get("/accounts/" + id + "/events?page=1&size=2").json();
        assertThat(page.get("items")).hasSize(2);
        assertThat(page.get("items").get(0).get("sequenceNumber").asLong()).isEqualTo(2);
        assertThat(page.get("totalItems").asLong()).isEqualTo(5);
        assertThat(page.get("hasNext").asBoolean()).isTrue();
        assertThat(http.get("/accounts/" + id + "/events?size=0").status()).isEqualTo(400);
    }

    @Test
    void asOfRebuildsTheStateAtThatInstant() {
        UUID id = open("PREMIUM");
        Instant afterOpening = Instant.parse(http.get("/accounts/" + id).json().get("updatedAt").asString());
        http.put("/accounts/" + id + "/plan", "{\"plan\":\"FREE\"}");

        JsonNode then = http.get("/accounts/" + id + "?asOf=" + afterOpening).json();
        assertThat(then.get("plan").asString()).isEqualTo("PREMIUM");
        assertThat(then.get("version").asLong()).isZero();
        assertThat(http.get("/accounts/" + id).json().get("plan").asString()).isEqualTo("FREE");

        Response beforeOpening = http.get("/accounts/" + id + "?asOf=" + afterOpening.minusSeconds(3600));
        assertThat(beforeOpening.status()).isEqualTo(404);
        assertThat(http.get("/accounts/" + id + "?asOf=yesterday").status()).isEqualTo(400);
    }

    @Test
    void invalidFieldsAreNamedAndNothingIsStored() {
        UUID id = UUID.randomUUID();
        Response rejected = http.post("/accounts", openAccountJson(id, "not-an-email", " ", "FREE"));

        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.header("Content-Type")).startsWith("application/problem+json");
        JsonNode errors = rejected.json().get("errors");
        assertThat(errors.get("email").asString()).contains("email address");
        assertThat(errors.get("displayName").asString()).contains("blank");
        assertThat(storedEvents(id)).isZero();
        assertThat(storedKeys(id)).as("the data key of a rejected open is rolled back").isZero();
        assertThat(http.get("/accounts/" + id + "/events").status()).isEqualTo(404);
    }

    @Test
    void anUnknownPlanIsNamed() {
        UUID id = UUID.randomUUID();
        Response rejected = http.post("/accounts", openAccountJson(id, "ada@example.com", "Ada", "GOLD"));
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.json().get("errors").get("plan").asString())
                .isEqualTo("must be one of FREE, STANDARD, PREMIUM, ENTERPRISE");
        assertThat(storedEvents(id)).isZero();
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        Response rejected = http.post("/accounts", "{\"email\":\"ada@example.com\",\"displayName\":\"Ada\"}");
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.json().get("errors").properties().stream().map(e -> e.getKey()).toList())
                .contains("accountId", "plan");
    }

    @Test
    void unknownFieldsAreRejectedNotIgnored() {
        UUID id = UUID.randomUUID();
        Response rejected = http.post("/accounts", """
                {"accountId":"%s","email":"ada@example.com","displayName":"Ada","plan":"FREE","status":"PURGED"}"""
                .formatted(id));
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.json().get("errors").get("status").asString()).isEqualTo("is not a known field");
        assertThat(storedEvents(id)).isZero();
    }

    @Test
    void malformedBodiesAndMediaTypesAreProblems() {
        assertThat(http.post("/accounts", "{not json").status()).isEqualTo(400);
        Response wrongType = http.send("POST", "/accounts", "text/plain", "hello");
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.header("Content-Type")).startsWith("application/problem+json");
        assertThat(http.get("/accounts/not-a-uuid").json().get("errors").get("id").asString()).contains("UUID");
    }

    /** Whatever the fields, valid or not: a reused id is a conflict. */
    @Test
    void openingAnExistingIdIsAConflictAndStoresNothingMore() {
        UUID id = open("FREE");
        for (String again : List.of(openAccountJson(id, "other@example.com", "Other", "PREMIUM"),
                                    openAccountJson(id, "not-an-email", " ", "PREMIUM"))) {
            Response refused = http.post("/accounts", again);
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.json().get("title").asString()).isEqualTo("Account already exists");
            assertThat(refused.json().get("detail").asString())
                    .isEqualTo("Account " + id + " already exists; account ids are never reused: choose a new one.");
        }
        assertThat(storedEvents(id)).isEqualTo(1);
        assertThat(http.get("/accounts/" + id).json().get("email").asString()).isEqualTo("ada@example.com");
    }

    @Test
    void commandsForAnUnknownAccountAreNotFoundAndLeaveNoKey() {
        UUID id = UUID.randomUUID();
        assertThat(http.get("/accounts/" + id).status()).isEqualTo(404);
        assertThat(http.patch("/accounts/" + id + "/profile", "{\"email\":\"x@example.com\"}").status())
                .isEqualTo(404);
        assertThat(http.put("/accounts/" + id + "/plan", "{\"plan\":\"FREE\"}").status()).isEqualTo(404);
        assertThat(storedKeys(id)).isZero();
    }

    @Test
    void anInvalidUpdateStoresNothing() {
        UUID id = open("FREE");
        Response rejected = http.patch("/accounts/" + id + "/profile", "{\"email\":\"broken\"}");
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.json().get("errors").get("email").asString()).contains("email address");
        assertThat(http.patch("/accounts/" + id + "/profile", "{}").status()).isEqualTo(400);
        assertThat(storedEvents(id)).isEqualTo(1);
    }

    @Test
    void personalFieldsAreNeverStoredInPlaintext() {
        UUID id = UUID.randomUUID();
        String email = "grace." + id + "@example.com";
        http.post("/accounts", openAccountJson(id, email, "Grace Hopper " + id, "FREE"));

        List<byte[]> rows = jdbc.queryForList(
                "select payload || coalesce(meta_data, ''::bytea) from domain_event_entry where aggregate_identifier = ?",
                byte[].class, id.toString());
        assertThat(rows).hasSize(1);
        String stored = new String(rows.get(0), StandardCharsets.UTF_8);
        assertThat(stored).doesNotContain(email).doesNotContain("Grace Hopper").contains("ciphertext");
        assertThat(http.get("/accounts/" + id).json().get("email").asString()).isEqualTo(email);
    }

    @Test
    void anOverlongCorrelationIdIsRefused() {
        UUID id = UUID.randomUUID();
        Response refused = http.sendWithHeader("POST", "/accounts", "X-Correlation-Id", "c".repeat(129),
                                               openAccountJson(id, "ada@example.com", "Ada", "FREE"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(storedEvents(id)).isZero();
    }

    @Test
    void theOpenApiDescriptionIsServed() {
        Response docs = http.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().get("paths").propertyNames())
                .contains("/accounts", "/accounts/{id}", "/accounts/{id}/events", "/accounts/{id}/profile",
                          "/accounts/{id}/plan", "/accounts/{id}/activity");
    }
}
