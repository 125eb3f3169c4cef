package io.accountlifecycle.service.security;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.HttpJson.Response;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A flood of refused requests from one authenticated subject, across two endpoints and paths no endpoint serves:
 * every refusal is counted, the event store grows by at most one {@code AccessDeniedEvent} per subject, action and
 * minute, and refusals past {@code account.security.refusals-per-minute} are answered 429 with {@code Retry-After}.
 * The flood runs once, and the tests wait once for its minutes to close.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessRefusalsIT {

    private static final int FLOOD = 300;
    /** {@code PUT /accounts/{id}/plan}, {@code POST /accounts/{id}/deletion}, and every path no endpoint serves. */
    private static final int FLOOD_ACTIONS = 3;
    private static final String EVENT = "io.accountlifecycle.api.AccessDeniedEvent";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Value("${local.server.port}")
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AccessRefusals refusals;
    @Autowired
    RefusalSettings settings;

    private final String flooder = "flooder-" + UUID.randomUUID();
    private final String eve = "eve-" + UUID.randomUUID();
    private final UUID evesTarget = UUID.randomUUID();
    private final List<Response> answers = new ArrayList<>();
    private long minutesSpanned;

    @BeforeAll
    void floodThenWaitForItsMinutesToClose() {
        assertThat(client(eve).put("/accounts/" + evesTarget + "/plan", "{\"plan\":\"FREE\"}").status())
                .isEqualTo(403);
        Instant firstMinute = databaseMinute();
        HttpJson flood = client(flooder);
        for (int i = 0; i < FLOOD; i++) {
            UUID someAccount = UUID.randomUUID();
            answers.add(switch (i % 3) {
                case 0 -> flood.put("/accounts/" + someAccount + "/plan", "{\"plan\":\"FREE\"}");
                case 1 -> flood.post("/accounts/" + someAccount + "/deletion", "{\"reason\":\"flood\"}");
                // Paths and methods no endpoint serves, never the same twice: still one action.
                default -> i % 2 == 0 ? flood.get("/no-such-endpoint/" + someAccount)
                                      : flood.send("DELETE", "/accounts/" + someAccount + "/x" + i, null, null);
            });
        }
        minutesSpanned = Duration.between(firstMinute, databaseMinute()).toMinutes() + 1;
        // The service flushes closed minutes every account.security.refusal-flush-interval; flushing here saves that.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            refusals.flushClosedMinutes();
            return jdbc.queryForObject("select count(*) from access_refusal where actor in (?, ?)", Long.class,
                                       flooder, eve) == 0;
        });
    }

    @Test
    void aFloodAddsAtMostOneEventPerSubjectActionAndMinute() {
        assertThat(events(flooder)).hasSizeBetween(FLOOD_ACTIONS, (int) (FLOOD_ACTIONS * minutesSpanned));
        assertThat(events(flooder)).allSatisfy(event -> assertThat(
                Instant.parse(event.get("firstAt").asString()).truncatedTo(ChronoUnit.MINUTES))
                .isEqualTo(Instant.parse(event.get("lastAt").asString()).truncatedTo(ChronoUnit.MINUTES)));
    }

    @Test
    void theEventsCountEveryRefusedRequestUnderItsAction() {
        Map<String, Long> counted = events(flooder).stream().collect(Collectors.groupingBy(
                event -> switch (event.get("method").asString()) {
                    case "PUT" -> "plan";
                    case "POST" -> "deletion";
                    default -> "no endpoint";
                }, Collectors.summingLong(event -> event.get("count").asLong())));
        assertThat(counted).containsExactlyInAnyOrderEntriesOf(
                Map.of("plan", FLOOD / 3L, "deletion", FLOOD / 3L, "no endpoint", FLOOD / 3L));
        assertThat(events(flooder)).filteredOn(event -> event.get("count").asLong() > 1).allSatisfy(event -> {
            assertThat(event.get("path").asString()).as("requests for different paths: the action's pattern")
                                                    .isIn("/accounts/{id}/plan", "/accounts/{id}/deletion", "/**");
            assertThat(event.get("accountId").isNull()).as("requests for different accounts: none named").isTrue();
        });
    }

    @Test
    void pastTheLimitRefusalsAreAnswered429WithRetryAfter() {
        int limit = settings.refusalsPerMinute();
        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).isIn(403, 429));
        assertThat(answers.subList(0, limit)).as("the first %d refusals", limit)
                                             .allSatisfy(answer -> assertThat(answer.status()).isEqualTo(403));
        List<Response> throttled = answers.stream().filter(answer -> answer.status() == 429).toList();
        assertThat(throttled).isNotEmpty().hasSizeGreaterThanOrEqualTo((int) (FLOOD - limit * minutesSpanned));
        assertThat(throttled).allSatisfy(answer -> {
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
            assertThat(answer.json().get("status").asInt()).isEqualTo(429);
            assertThat(Long.parseLong(answer.header("Retry-After"))).isBetween(1L, 60L);
        });
    }

    @Test
    void aSingleRefusalIsOneEventNamingItsAccount() {
        assertThat(events(eve)).singleElement().satisfies(event -> {
            assertThat(event.get("method").asString()).isEqualTo("PUT");
            assertThat(event.get("path").asString()).isEqualTo("/accounts/" + evesTarget + "/plan");
            assertThat(event.get("accountId").asString()).isEqualTo(evesTarget.toString());
            assertThat(event.get("count").asLong()).isEqualTo(1);
            assertThat(event.get("firstAt").asString()).isEqualTo(event.get("lastAt").asString());
        });
    }

    @Test
    void theAuditLogShowsWhatHowManyTimesAndWhen() {
        HttpJson auditor = new HttpJson(port).withToken(TestTokens.mint(context, "auditor",
                                                                        List.of(Scopes.ANALYTICS)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode entries = auditor.get("/analytics/audit?action=ACCESS_DENIED&actor=" + flooder).json()
                                      .get("items");
            assertThat(entries.size()).isEqualTo(events(flooder).size());
            assertThat(entries.valueStream()).anyMatch(entry -> entry.get("details").asString().matches(
                    "PUT /accounts/\\{id}/plan, \\d+ times from \\S+ to \\S+"));
        });
    }

    private HttpJson client(String subject) {
        return new HttpJson(port).withToken(TestTokens.mint(context, subject, List.of(Scopes.READ)));
    }

    /** The minute by the database's clock, which is the one refusals are counted by. */
    private Instant databaseMinute() {
        return jdbc.queryForObject("select date_trunc('minute', clock_timestamp())", Timestamp.class).toInstant();
    }

    private List<JsonNode> events(String actor) {
        return jdbc.queryForList("""
                                 select convert_from(payload, 'UTF8') from domain_event_entry
                                 where payload_type = ? and convert_from(payload, 'UTF8')::jsonb ->> 'actor' = ?
                                 order by global_index""", String.class, EVENT, actor)
                   .stream().map(JSON::readTree).toList();
    }
}
