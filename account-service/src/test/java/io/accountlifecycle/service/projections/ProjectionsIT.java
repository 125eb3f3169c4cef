package io.accountlifecycle.service.projections;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The read models after a mixed workload: each equals what the events imply, each rebuilds to identical rows by
 * replay, analysts read them (and nothing else) over SQL, and a poison event parks only its own account.
 */
@RealPostgres(database = ProjectionsIT.DATABASE)
@RealKafka
class ProjectionsIT {

    static final String DATABASE = "accounts_projections";
    private static final List<String> PLANS = List.of("FREE", "STANDARD", "PREMIUM", "ENTERPRISE");
    private static final List<String> TABLES = List.of("account_summary", "account_timeline", "audit_log",
                                                       "daily_lifecycle_stats", "daily_stats_account",
                                                       "deletion_batch", "deletion_batch_account");

    private static final Instant LONG_AGO = Instant.parse("2026-01-01T00:00:00Z");
    private static ConfigurableApplicationContext service;
    private static HttpJson http;
    private static JdbcTemplate jdbc;
    private static final List<UUID> accounts = new ArrayList<>();
    private static String batchId;

    @BeforeAll
    static void runAMixedWorkload() {
        // No Kafka intake: it would replay every command other tests sent to the shared broker into this workload.
        service = ServiceInstances.start(DATABASE, "projections-it", "--account.purge.hold=PT4S",
                                         "--account.kafka.intake.enabled=false");
        http = ServiceInstances.http(service);
        jdbc = service.getBean(JdbcTemplate.class);
        for (int i = 0; i < 40; i++) {
            UUID id = UUID.randomUUID();
            accounts.add(id);
            String plan = PLANS.get(i % PLANS.size());
            assertThat(http.post("/accounts", openAccountJson(id, "user" + i + "@example.com", "User " + i, plan))
                           .status()).isEqualTo(201);
            if (i % 3 == 0) {
                assertThat(http.patch("/accounts/" + id + "/profile", "{\"email\":\"new" + i + "@example.com\"}")
                               .status()).isBetween(200, 204);
            }
            if (i % 4 == 1) {
                assertThat(http.put("/accounts/" + id + "/plan", "{\"plan\":\"PREMIUM\"}").status()).isBetween(200, 204);
            }
            if (i % 5 == 0) {
                assertThat(http.post("/accounts/" + id + "/activity", "{\"lastActivityAt\":\""
                                                                     + LONG_AGO.plus(Duration.ofHours(i)) + "\"}")
                               .status()).isBetween(200, 204);
            }
        }
        // Deletions: 0..3 cancelled in their hold, 4..9 purged (none of them ENTERPRISE: i % 4 == 3).
        List<UUID> deleted = accounts.stream().filter(id -> accounts.indexOf(id) % 4 != 3).limit(10).toList();
        for (UUID id : deleted) {
            assertThat(http.post("/accounts/" + id + "/deletion", "{\"reason\":\"clean-up\"}").status())
                    .isEqualTo(202);
        }
        for (UUID id : deleted.subList(0, 4)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> status(id).equals("QUARANTINED"));
            assertThat(http.post("/accounts/" + id + "/deletion/cancel", "{\"reason\":\"mistake\"}").status())
                    .isBetween(200, 202);
        }
        for (UUID id : deleted.subList(4, 10)) {
            await().atMost(Duration.ofSeconds(40)).until(() -> status(id).equals("PURGED"));
        }
        // A batch of two accounts, purged at the end of its hold.
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        for (UUID id : List.of(first, second)) {
            assertThat(http.post("/accounts", openAccountJson(id, id + "@example.com", "Batched", "FREE")).status())
                    .isEqualTo(201);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select count(*) from projection.account_summary where account_id in (?, ?)", Integer.class, first,
                second) == 2);
        String token = http.post("/admin/deletion-batches/preview", "{\"accountIds\":[\"" + first + "\",\"" + second
                                                                    + "\"],\"inactiveSince\":\"2100-01-01T00:00:00Z\"}")
                           .json().get("previewToken").asString();
        batchId = http.post("/admin/deletion-batches", "{\"previewToken\":\"" + token + "\",\"reason\":\"old\"}")
                      .json().get("batchId").asString();
        for (UUID id : List.of(first, second)) {
            await().atMost(Duration.ofSeconds(40)).until(() -> status(id).equals("PURGED"));
        }
        // Admin actions and a refused attempt, for the audit log.
        assertThat(http.post("/admin/purges/pause", "{\"reason\":\"drill\"}").status()).isBetween(200, 202);
        assertThat(http.post("/admin/purges/resume", "{\"reason\":\"drill over\"}").status()).isBetween(200, 202);
        awaitProjectionsCaughtUp();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void everyProjectionMatchesWhatTheEventsImply() {
        awaitProjectionsCaughtUp();
        for (UUID id : accounts) {
            JsonNode account = http.get("/accounts/" + id).json();
            JsonNode row = http.get("/analytics/accounts?size=1000").json().get("items").valueStream()
                               .filter(r -> r.get("accountId").asString().equals(id.toString()))
                               .findFirst().orElseThrow();
            assertThat(row.get("status").asString()).isEqualTo(account.get("status").asString());
            assertThat(row.get("plan").asString()).isEqualTo(account.get("plan").asString());
            assertThat(row.get("protected").asBoolean()).isEqualTo(account.get("protected").asBoolean());
            assertThat(row.get("email").isNull() ? null : row.get("email").asString())
                    .isEqualTo(account.get("email").isNull() ? null : account.get("email").asString());
            assertThat(row.get("lastActivityAt").isNull() ? null : row.get("lastActivityAt").asString())
                    .isEqualTo(account.get("lastActivityAt").isNull() ? null
                               : Instant.parse(account.get("lastActivityAt").asString()).toString());
            assertThat(row.get("version").asLong()).isEqualTo(account.get("version").asLong());
            long lifecycleEvents = jdbc.queryForObject("""
                    select count(*) from domain_event_entry where aggregate_identifier = ? and payload_type in (
                      'io.accountlifecycle.api.AccountOpenedEvent', 'io.accountlifecycle.api.AccountPlanChangedEvent',
                      'io.accountlifecycle.api.AccountDeletionRequestedEvent',
                      'io.accountlifecycle.api.AccountQuarantinedEvent',
                      'io.accountlifecycle.api.AccountDeletionCancelledEvent',
                      'io.accountlifecycle.api.AccountPurgedEvent')""", Long.class, id.toString());
            assertThat(http.get("/analytics/accounts/" + id + "/timeline").json().get("totalItems").asLong())
                    .as("timeline of %s", id).isEqualTo(lifecycleEvents);
        }

        assertThat(http.get("/accounts/" + accounts.get(0)).header("Server-Timing"))
                .as("the rebuild reports how long it took").matches("rebuild;dur=\\d+\\.\\d{3};desc=\"\\d+ events\"");

        // Without accounts:read, analytics never open a personal field.
        JsonNode withoutRead = client("analyst-2", Scopes.ANALYTICS).get("/analytics/accounts?status=ACTIVE").json();
        assertThat(withoutRead.get("items").valueStream()).allMatch(r -> r.get("email").isNull());

        Map<String, Long> events = eventCounts();
        JsonNode days = http.get("/analytics/stats/daily?size=1000").json().get("items");
        assertThat(sum(days, "opened")).isEqualTo(events.get("AccountOpenedEvent"));
        assertThat(sum(days, "deletionRequested")).isEqualTo(events.get("AccountDeletionRequestedEvent"));
        assertThat(sum(days, "quarantined")).isEqualTo(events.get("AccountQuarantinedEvent"));
        assertThat(sum(days, "cancelled")).isEqualTo(events.get("AccountDeletionCancelledEvent"));
        assertThat(sum(days, "purged")).isEqualTo(events.get("AccountPurgedEvent"));

        assertThat(total("/analytics/accounts?status=PURGED")).isEqualTo(events.get("AccountPurgedEvent"));
        assertThat(total("/analytics/accounts?plan=ENTERPRISE&status=ACTIVE")).isEqualTo(10);
        assertThat(total("/analytics/audit?action=DELETION_REQUESTED"))
                .isEqualTo(events.get("AccountDeletionRequestedEvent"));
        assertThat(total("/analytics/audit?action=DELETION_CANCELLED"))
                .isEqualTo(events.get("AccountDeletionCancelledEvent"));
        assertThat(total("/analytics/audit?action=PURGES_PAUSED")).isEqualTo(events.get("PurgesPausedEvent"));
        JsonNode batch = http.get("/admin/deletion-batches/" + batchId).json();
        assertThat(batch.get("state").asString()).isEqualTo("COMPLETED");
        assertThat(batch.at("/counts/PURGED").asLong()).isEqualTo(2);
        assertThat(total("/analytics/audit?action=BATCH_CREATED")).isEqualTo(1);
        assertThat(http.get("/admin/purges/pending").json().get("totalItems").asLong())
                .isEqualTo(total("/analytics/accounts?status=QUARANTINED"));

        // Filters, sorting and paging.
        assertThat(total("/analytics/accounts?inactiveSince=2026-06-01T00:00:00Z")).isEqualTo(8);
        assertThat(total("/analytics/accounts?inactiveSince=" + Instant.now())).isGreaterThanOrEqualTo(40);
        List<String> longestInactive = http.get("/analytics/accounts?sort=lastActivityAt&size=8").json()
                                           .get("items").valueStream().map(r -> r.get("lastActivityAt").asString())
                                           .toList();
        assertThat(longestInactive).isSortedAccordingTo((a, b) -> Instant.parse(a).compareTo(Instant.parse(b)))
                                   .first().isEqualTo(LONG_AGO.toString());
        JsonNode secondPage = http.get("/analytics/accounts?page=1&size=15").json();
        assertThat(secondPage.get("items").size()).isEqualTo(15);
        assertThat(secondPage.get("hasNext").asBoolean()).isTrue();
        HttpJson.Response badSort = http.get("/analytics/accounts?sort=email");
        assertThat(badSort.status()).isEqualTo(400);
        assertThat(badSort.json().at("/errors/sort").asString()).contains("not a sort order");
        assertThat(http.get("/analytics/accounts/" + UUID.randomUUID() + "/timeline").status()).isEqualTo(404);
        assertThat(http.get("/analytics/stats/daily?from=yesterday").status()).isEqualTo(400);
    }

    @Test
    void droppingAndReplayingEachProjectionYieldsIdenticalRows() {
        awaitProjectionsCaughtUp();
        Map<String, String> before = checksums();
        assertThat(jdbc.queryForObject("select count(*) from projection.account_summary", Long.class)).isPositive();
        for (JsonNode projection : http.get("/admin/projections").json()) {
            String name = projection.get("name").asString();
            HttpJson.Response replay = http.post("/admin/projections/" + name + "/replay", "");
            assertThat(replay.status()).as(name).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> http.get("/admin/projections").json().valueStream()
                                                               .noneMatch(p -> p.get("replaying").asBoolean()));
        awaitProjectionsCaughtUp();
        assertThat(checksums()).isEqualTo(before);
        assertThat(http.post("/admin/projections/no-such-thing/replay", "").status()).isEqualTo(404);
    }

    @Test
    void theAnalystRoleReadsTheProjectionsAndNothingElse() throws SQLException {
        awaitProjectionsCaughtUp();
        try (Connection analyst = DriverManager.getConnection(TestInfrastructure.postgres().jdbcUrl(DATABASE),
                                                              "analyst", "analyst-secret");
             Statement sql = analyst.createStatement()) {
            var rows = sql.executeQuery("select count(*), count(email_ciphertext) from projection.account_summary");
            assertThat(rows.next()).isTrue();
            assertThat(rows.getLong(1)).isPositive();
            assertThat(sql.executeQuery("select * from projection.pending_purge").next()).isIn(true, false);
            assertThat(sql.executeQuery("select count(*) from projection.daily_lifecycle_stats").next()).isTrue();
            for (String forbidden : List.of("select * from domain_event_entry", "select * from account_data_key",
                                            "select * from token_entry", "select * from projection_dead_letter",
                                            "delete from projection.account_summary",
                                            "update projection.audit_log set actor = 'me'",
                                            "insert into projection.daily_stats_account values "
                                            + "(gen_random_uuid(), 'FREE', 1)",
                                            "create temporary table scratch (id int)",
                                            "create table projection.mine (id int)")) {
                assertThatThrownBy(() -> sql.execute(forbidden)).as(forbidden).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("permission denied",
                                                                                "read-only transaction"));
            }
        }
    }

    @Test
    void aPoisonEventParksItsOwnAccountAndTheOthersKeepFlowing() throws SQLException {
        awaitProjectionsCaughtUp();
        UUID poisoned = UUID.randomUUID();
        UUID healthy = UUID.randomUUID();
        assertThat(http.post("/accounts", openAccountJson(poisoned, "p@example.com", "Poisoned", "FREE")).status())
                .isEqualTo(201);
        awaitProjectionsCaughtUp();
        poisonSummaryRowsOf(poisoned, "update");
        try {
            assertThat(http.put("/accounts/" + poisoned + "/plan", "{\"plan\":\"STANDARD\"}").status())
                    .isBetween(200, 204);
            assertThat(http.put("/accounts/" + poisoned + "/plan", "{\"plan\":\"PREMIUM\"}").status())
                    .isBetween(200, 204);
            assertThat(http.post("/accounts", openAccountJson(healthy, "h@example.com", "Healthy", "FREE")).status())
                    .isEqualTo(201);
            assertThat(http.put("/accounts/" + healthy + "/plan", "{\"plan\":\"PREMIUM\"}").status())
                    .isBetween(200, 204);

            await().atMost(Duration.ofSeconds(90)).until(() -> "PREMIUM".equals(planInSummary(healthy)));
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> http.get("/admin/projections/account-summary/dead-letters").json().get("totalItems")
                              .asLong() == 2);
            JsonNode parked = http.get("/admin/projections/account-summary/dead-letters").json().get("items");
            assertThat(parked.valueStream()).allMatch(l -> l.get("sequence").asString().equals(poisoned.toString()));
            assertThat(parked.get(0).get("cause").asString()).contains("poisoned row");
            assertThat(planInSummary(poisoned)).isEqualTo("FREE");
            JsonNode status = http.get("/admin/projections/account-summary").json();
            assertThat(status.get("parkedAccounts").asLong()).isEqualTo(1);
            // Other projections never saw a fault.
            await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/analytics/accounts/" + poisoned + "/timeline")
                                                                   .json().get("totalItems").asLong() == 3);
        } finally {
            curePoison();
        }
        JsonNode retried = http.post("/admin/projections/account-summary/dead-letters/retry", "").json();
        assertThat(retried.get("released").asInt()).isEqualTo(1);
        assertThat(retried.get("stillParked").asLong()).isZero();
        assertThat(planInSummary(poisoned)).isEqualTo("PREMIUM");
        assertThat(http.get("/admin/projections/account-summary/dead-letters").json().get("totalItems").asLong())
                .isZero();
    }

    @Test
    void aPoisonEventMetDuringAReplayIsParkedAndTheReplayCompletes() throws SQLException {
        awaitProjectionsCaughtUp();
        Map<String, String> before = checksums();
        UUID victim = accounts.get(2);
        poisonSummaryRowsOf(victim, "insert");
        try {
            assertThat(http.post("/admin/projections/account-summary/replay", "").status()).isEqualTo(202);
            awaitProjectionsCaughtUp();
            JsonNode parked = http.get("/admin/projections/account-summary/dead-letters?size=1000").json();
            assertThat(parked.get("items").valueStream())
                    .as("the victim's whole history waits behind its first event")
                    .allMatch(l -> l.get("sequence").asString().equals(victim.toString()))
                    .hasSize((int) (long) jdbc.queryForObject(
                            "select count(*) from domain_event_entry where aggregate_identifier = ?", Long.class,
                            victim.toString()));
            assertThat(planInSummary(victim)).isNull();
            assertThat(jdbc.queryForObject("select count(*) from projection.account_summary", Long.class))
                    .isEqualTo(Long.parseLong(before.get("account_summary").split(":")[0]) - 1);
        } finally {
            curePoison();
        }
        assertThat(http.post("/admin/projections/account-summary/dead-letters/retry", "").json()
                       .get("released").asInt()).isEqualTo(1);
        assertThat(checksums()).isEqualTo(before);
    }

    /** A fault in the database that hits only this account's summary rows, on {@code operation}. */
    private static void poisonSummaryRowsOf(UUID account, String operation) throws SQLException {
        ownerExecutes("""
                      create function poison() returns trigger language plpgsql as $$
                      begin
                        if new.account_id = '%s' then raise exception 'poisoned row %%', new.account_id; end if;
                        return new;
                      end $$;
                      create trigger poison before %s on projection.account_summary
                        for each row execute function poison()""".formatted(account, operation));
    }

    private static void curePoison() throws SQLException {
        ownerExecutes("drop trigger poison on projection.account_summary; drop function poison()");
    }

    private static String planInSummary(UUID id) {
        List<String> plans = jdbc.queryForList("select plan from projection.account_summary where account_id = ?",
                                               String.class, id);
        return plans.isEmpty() ? null : plans.get(0);
    }

    private static void ownerExecutes(String sql) throws SQLException {
        try (Connection owner = DriverManager.getConnection(TestInfrastructure.postgres().jdbcUrl(DATABASE),
                                                            "account_owner", "account_owner");
             Statement statement = owner.createStatement()) {
            statement.execute(sql);
        }
    }

    private static HttpJson client(String subject, String... scopes) {
        return ServiceInstances.http(service, subject, scopes);
    }

    private static String status(UUID id) {
        return http.get("/accounts/" + id).json().path("status").asString();
    }

    private static long total(String path) {
        HttpJson.Response response = http.get(path);
        assertThat(response.status()).as(path).isEqualTo(200);
        return response.json().get("totalItems").asLong();
    }

    private static long sum(JsonNode items, String field) {
        return items.valueStream().mapToLong(d -> d.get(field).asLong()).sum();
    }

    private static Map<String, Long> eventCounts() {
        Map<String, Long> counts = new HashMap<>();
        jdbc.query("select payload_type, count(*) from domain_event_entry group by payload_type",
                   row -> {
                       String type = row.getString(1);
                       counts.put(type.substring(type.lastIndexOf('.') + 1), row.getLong(2));
                   });
        for (String type : List.of("AccountDeletionRequestedEvent", "AccountQuarantinedEvent",
                                   "AccountDeletionCancelledEvent", "AccountPurgedEvent", "PurgesPausedEvent")) {
            counts.putIfAbsent(type, 0L);
        }
        return counts;
    }

    /** An order-independent fingerprint of every projection table. */
    private static Map<String, String> checksums() {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String table : TABLES) {
            sums.put(table, jdbc.queryForObject("select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' "
                                                + "order by t::text)), '') from projection." + table + " t",
                                                String.class));
        }
        return sums;
    }

    /** Every projection has applied every stored event. */
    private static void awaitProjectionsCaughtUp() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long head = jdbc.queryForObject("select coalesce(max(global_index), 0) from domain_event_entry",
                                            Long.class);
            return http.get("/admin/projections").json().valueStream()
                       .allMatch(p -> p.get("running").asBoolean() && !p.get("replaying").asBoolean()
                                      && p.get("caughtUp").asBoolean()
                                      && p.get("position").asLong(-1) >= head);
        });
    }
}
