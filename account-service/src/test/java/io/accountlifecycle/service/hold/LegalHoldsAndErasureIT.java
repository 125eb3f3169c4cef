package io.accountlifecycle.service.hold;

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
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Legal holds, erasure requests with their legal deadline, expedited purges and exports, on a real PostgreSQL and
 * Kafka, through the HTTP API as their users call it.
 */
@RealPostgres(database = LegalHoldsAndErasureIT.DATABASE)
@RealKafka
class LegalHoldsAndErasureIT {

    static final String DATABASE = "accounts_holds";
    /** Every purge here is due this long after its request (an erasure's sooner, by its deadline). */
    private static final Duration HOLD = Duration.ofSeconds(8);

    private static ConfigurableApplicationContext service;
    private static HttpJson admin;
    private static HttpJson legal;
    private static HttpJson approver;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        service = ServiceInstances.start(DATABASE, "holds-it", "--account.purge.hold=" + HOLD,
                                         "--account.purge.paused-retry=PT1S",
                                         "--account.kafka.intake.enabled=false");
        admin = ServiceInstances.http(service, "test-admin", Scopes.READ, Scopes.WRITE, Scopes.DELETE, Scopes.ADMIN,
                                      Scopes.ANALYTICS);
        legal = ServiceInstances.http(service, "counsel", Scopes.LEGAL, Scopes.READ);
        approver = ServiceInstances.http(service, "second-admin", Scopes.APPROVE, Scopes.READ);
        jdbc = service.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aHeldAccountIsQuarantinedButNotPurgedPastItsDueTimeAndIsPurgedRightAfterRelease() {
        UUID id = open("PREMIUM");
        String holdId = placeHold("{\"accountIds\":[\"" + id + "\"],\"matter\":\"Case 2026-114\","
                                  + "\"reason\":\"litigation: keep everything\"}");
        JsonNode held = account(id);
        assertThat(ids(held.get("legalHolds"))).containsExactly(holdId);
        assertThat(ids(held.get("purgeBlockedBy"))).as("nothing is pending yet").isEmpty();

        assertThat(admin.post("/accounts/" + id + "/deletion", "{\"reason\":\"customer closed it\"}").status())
                .as("a deletion may still be requested").isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).equals("QUARANTINED"));
        Instant due = Instant.parse(account(id).get("purgeDueAt").asString());
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(due.plusSeconds(4)));
        awaitAudit(id, "PURGE_BLOCKED_BY_HOLD");

        JsonNode blocked = account(id);
        assertThat(blocked.get("status").asString()).as("not purged past its due time").isEqualTo("QUARANTINED");
        assertThat(blocked.get("email").asString()).isEqualTo("held-" + id + "@example.com");
        assertThat(ids(blocked.get("purgeBlockedBy"))).containsExactly(holdId);
        await().atMost(Duration.ofSeconds(20)).until(() -> pending(id) != null
                                                           && ids(pending(id).get("purgeBlockedBy")).contains(holdId));
        assertThat(auditCount(id, "PURGE_BLOCKED_BY_HOLD")).as("recorded once per blocked purge").isEqualTo(1);
        assertThat(legal.get("/admin/legal-holds/" + holdId).json().get("status").asString()).isEqualTo("IN_FORCE");
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/analytics/accounts?underLegalHold=true&size=1000")
                                                               .json().get("items").valueStream()
                                                               .anyMatch(a -> a.get("accountId").asString()
                                                                              .equals(id.toString())));

        HttpJson.Response released = legal.post("/admin/legal-holds/" + holdId + "/release",
                                                "{\"reason\":\"case settled\"}");
        assertThat(released.status()).isEqualTo(202);
        Instant releasedAt = Instant.now();
        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).equals("PURGED"));
        assertThat(Duration.between(releasedAt, Instant.now())).as("purged right after release")
                                                               .isLessThan(Duration.ofSeconds(10));
        assertThat(legal.post("/admin/legal-holds/" + holdId + "/release", "{\"reason\":\"again\"}").status())
                .isEqualTo(409);
        awaitAudit(null, "LEGAL_HOLD_RELEASED");
        assertThat(auditCount(id, "PURGE_BLOCKED_BY_HOLD")).isEqualTo(1);
    }

    @Test
    void aHoldPlacedAfterTheDeletionRequestStillBlocksThePurgeAndOneWithAnEndLetsItGoThen() {
        UUID id = open("STANDARD");
        admin.post("/accounts/" + id + "/deletion", "{\"reason\":\"clean-up\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).equals("QUARANTINED"));
        Instant due = Instant.parse(account(id).get("purgeDueAt").asString());
        Instant endsAt = due.plusSeconds(6).truncatedTo(ChronoUnit.SECONDS);
        String holdId = placeHold("{\"accountIds\":[\"" + id + "\"],\"matter\":\"Audit 7\",\"reason\":\"regulator "
                                  + "asked\",\"endsAt\":\"" + endsAt + "\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(due.plusSeconds(3)));
        assertThat(status(id)).as("blocked past its due time").isEqualTo("QUARANTINED");
        assertThat(ids(account(id).get("purgeBlockedBy"))).containsExactly(holdId);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(id).equals("PURGED"));
        assertThat(Instant.now()).as("purged once the hold ended by itself").isAfter(endsAt);
    }

    @Test
    void aHoldByCriteriaListsItsAccountsAndABatchPreviewExcludesThemWithTheHoldAsReason() {
        UUID held = open("FREE");
        UUID free = open("FREE");
        for (UUID id : List.of(held, free)) {
            assertThat(admin.post("/accounts/" + id + "/activity", "{\"lastActivityAt\":\"2020-01-01T00:00:00Z\"}")
                            .status()).isBetween(200, 204);
        }
        ServiceInstances.awaitSummaries(jdbc, List.of(held, free));
        HttpJson.Response placed = legal.post("/admin/legal-holds", "{\"accountIds\":[\"" + held + "\"],"
                                                                    + "\"matter\":\"Case 9\",\"reason\":\"keep\"}");
        String holdId = placed.json().get("holdId").asString();

        JsonNode preview = admin.post("/admin/deletion-batches/preview",
                                      "{\"accountIds\":[\"" + held + "\",\"" + free + "\"],\"plans\":[\"FREE\"]}")
                                .json();
        assertThat(ids(preview.get("accounts").valueStream().map(a -> a.get("accountId")).toList()))
                .containsExactly(free.toString());
        assertThat(preview.get("excluded").valueStream().map(e -> e.get("accountId").asString() + " "
                                                                   + e.get("reason").asString()).toList())
                .containsExactly(held + " under legal hold " + holdId);

        // By criteria: resolved when placed, listed in the hold, and never widened afterwards.
        HttpJson.Response byCriteria = legal.post("/admin/legal-holds",
                "{\"criteria\":{\"inactiveSince\":\"2020-06-01T00:00:00Z\",\"plans\":[\"FREE\"]},"
                + "\"matter\":\"Case 10\",\"reason\":\"dormant free accounts\"}");
        assertThat(byCriteria.status()).isEqualTo(201);
        String criteriaHold = byCriteria.json().get("holdId").asString();
        UUID later = open("FREE");
        admin.post("/accounts/" + later + "/activity", "{\"lastActivityAt\":\"2020-01-01T00:00:00Z\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> legal.get("/admin/legal-holds/" + criteriaHold)
                                                                .status() == 200);
        JsonNode hold = legal.get("/admin/legal-holds/" + criteriaHold).json();
        assertThat(ids(hold.get("accountIds"))).contains(held.toString(), free.toString())
                                               .doesNotContain(later.toString());
        assertThat(ids(account(later).get("legalHolds"))).isEmpty();
        assertThat(ids(account(free).get("legalHolds"))).containsExactly(criteriaHold);

        assertThat(legal.post("/admin/legal-holds", "{\"matter\":\"x\",\"reason\":\"y\"}").status())
                .as("nothing to hold").isEqualTo(400);
        assertThat(admin.post("/admin/legal-holds", "{\"accountIds\":[\"" + free + "\"],\"matter\":\"x\","
                                                    + "\"reason\":\"y\"}").status())
                .as("placing a hold needs accounts:legal").isEqualTo(403);
    }

    @Test
    void anErasurePurgesNoLaterThanItsDeadlineAcrossAPauseAndAnExtensionIsRecordedAndBounded() {
        UUID due = open("STANDARD");
        UUID extended = open("STANDARD");
        // Received a month ago, a few seconds short of the deadline: P1M from then is a few seconds from now.
        Instant soon = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
        Instant receivedAt = soon.atOffset(ZoneOffset.UTC).minusMonths(1).toInstant();
        assertThat(admin.post("/admin/purges/pause", "{\"reason\":\"incident\"}").status()).isEqualTo(200);
        try {
            for (UUID id : List.of(due, extended)) {
                assertThat(admin.post("/accounts/" + id + "/deletion", "{\"reason\":\"the customer asked to be "
                                                                      + "erased\",\"kind\":\"ERASURE\",\"receivedAt\":\""
                                                                      + receivedAt + "\"}").status()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> status(due).equals("QUARANTINED")
                                                               && status(extended).equals("QUARANTINED"));
            JsonNode state = account(due);
            Instant deadline = Instant.parse(state.at("/deletion/erasureDeadline").asString());
            assertThat(deadline).isEqualTo(soon);
            assertThat(state.at("/deletion/kind").asString()).isEqualTo("ERASURE");
            assertThat(Instant.parse(state.get("purgeDueAt").asString())).as("the hold never ends after the deadline")
                                                                         .isEqualTo(deadline);

            // Bounded: not past two months after the deadline, with a reason; recorded.
            Instant tooLate = deadline.atOffset(ZoneOffset.UTC).plusMonths(2).plusSeconds(1).toInstant();
            assertThat(admin.post("/admin/erasure-requests/" + extended + "/extend",
                                  "{\"reason\":\"complex request\",\"until\":\"" + tooLate + "\"}").status())
                    .isEqualTo(400);
            assertThat(admin.post("/admin/erasure-requests/" + extended + "/extend",
                                  "{\"until\":\"" + deadline.plusSeconds(3600) + "\"}").status()).isEqualTo(400);
            Instant until = deadline.atOffset(ZoneOffset.UTC).plusMonths(2).toInstant();
            HttpJson.Response extension = admin.post("/admin/erasure-requests/" + extended + "/extend",
                                                     "{\"reason\":\"many systems to search\",\"until\":\"" + until
                                                     + "\"}");
            assertThat(extension.status()).isEqualTo(200);
            assertThat(Instant.parse(extension.json().get("extendedUntil").asString())).isEqualTo(until);
            awaitAudit(extended, "ERASURE_DEADLINE_EXTENDED");
            await().atMost(Duration.ofSeconds(20)).until(() -> erasureRequest(extended) != null
                                                               && erasureRequest(extended).hasNonNull("extendedUntil"));
            JsonNode listed = erasureRequest(due);
            assertThat(listed.get("receivedAt").asString()).isEqualTo(receivedAt.toString());
            assertThat(Instant.parse(listed.get("deadline").asString())).isEqualTo(deadline);

            await().atMost(Duration.ofSeconds(30)).until(() -> status(due).equals("PURGED"));
            assertThat(Instant.now()).isAfter(deadline);
            await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(deadline.plusSeconds(3)));
            assertThat(status(extended)).as("extended: the pause still holds it").isEqualTo("QUARANTINED");
            assertThat(admin.post("/admin/erasure-requests/" + extended + "/extend",
                                  "{\"reason\":\"again\",\"until\":\"" + until.minusSeconds(60) + "\"}").status())
                    .as("decided within the first month only").isEqualTo(409);
        } finally {
            admin.post("/admin/purges/resume", "{\"reason\":\"all clear\"}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> status(extended).equals("PURGED"));
    }

    @Test
    void anErasureBlockedByALegalHoldIsListedWithTheExplanation() {
        UUID id = open("STANDARD");
        String holdId = placeHold("{\"accountIds\":[\"" + id + "\"],\"matter\":\"Case 12\",\"reason\":\"keep\"}");
        admin.post("/accounts/" + id + "/deletion", "{\"reason\":\"erase me\",\"kind\":\"ERASURE\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> erasureRequest(id) != null
                                                           && "BLOCKED_BY_LEGAL_HOLD".equals(
                                                                   erasureRequest(id).get("status").asString()));
        JsonNode listed = erasureRequest(id);
        assertThat(ids(listed.get("purgeBlockedBy"))).containsExactly(holdId);
        assertThat(listed.get("explanation").asString()).contains("erasure does not apply while a legal obligation");
        int management = Integer.parseInt(service.getEnvironment().getProperty("local.management.port"));
        String metrics = new HttpJson(management).get("/actuator/prometheus").raw();
        assertThat(metrics).containsPattern("(?m)^account_erasure_requests_blocked_by_hold [1-9]");
        assertThat(admin.post("/accounts/" + id + "/deletion", "{\"reason\":\"x\",\"kind\":\"ERASURE\","
                                                               + "\"receivedAt\":\"" + Instant.now().plusSeconds(3600)
                                                               + "\"}").status())
                .as("already requested").isEqualTo(409);
        UUID other = open("FREE");
        assertThat(admin.post("/accounts/" + other + "/deletion", "{\"reason\":\"x\",\"kind\":\"ERASURE\","
                                                                  + "\"receivedAt\":\"" + Instant.now().plusSeconds(3600)
                                                                  + "\"}").status())
                .as("receivedAt in the future").isEqualTo(400);
        assertThat(status(other)).isEqualTo("ACTIVE");
    }

    @Test
    void anExpeditedPurgeNeedsASecondPersonAndIsRefusedUnderAHold() {
        UUID id = open("STANDARD");
        admin.post("/accounts/" + id + "/deletion", "{\"reason\":\"erase me now\",\"kind\":\"ERASURE\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).equals("QUARANTINED"));
        Instant due = Instant.parse(account(id).get("purgeDueAt").asString());
        assertThat(admin.post("/accounts/" + id + "/deletion/expedite", "{\"reason\":\"customer asked for "
                                                                        + "immediate erasure\"}").status())
                .isEqualTo(202);
        HttpJson self = ServiceInstances.http(service, "test-admin", Scopes.APPROVE, Scopes.READ);
        assertThat(self.post("/accounts/" + id + "/deletion/expedite/approve", "{}").status())
                .as("not by the requester").isEqualTo(403);
        assertThat(status(id)).isEqualTo("QUARANTINED");
        assertThat(approver.post("/accounts/" + id + "/deletion/expedite/approve", "{}").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).equals("PURGED"));
        assertThat(Instant.now()).as("brought forward").isBefore(due);

        UUID held = open("STANDARD");
        placeHold("{\"accountIds\":[\"" + held + "\"],\"matter\":\"Case 13\",\"reason\":\"keep\"}");
        admin.post("/accounts/" + held + "/deletion", "{\"reason\":\"erase me now\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> status(held).equals("QUARANTINED"));
        HttpJson.Response refused = admin.post("/accounts/" + held + "/deletion/expedite", "{\"reason\":\"now\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains("legal hold");
    }

    @Test
    void anExportHoldsTheFullHistoryAndNoPersonalDataAfterThePurge() {
        UUID id = open("PREMIUM");
        admin.put("/accounts/" + id + "/plan", "{\"plan\":\"STANDARD\"}");
        HttpJson exporter = ServiceInstances.http(service, "dpo", Scopes.READ, Scopes.EXPORT);
        HttpJson.Response before = exporter.get("/accounts/" + id + "/export");
        assertThat(before.status()).isEqualTo(200);
        JsonNode document = before.json();
        assertThat(document.get("format").asString()).isEqualTo("account-export/1");
        assertThat(document.get("purged").asBoolean()).isFalse();
        assertThat(document.at("/account/email").asString()).isEqualTo("held-" + id + "@example.com");
        assertThat(document.get("history").valueStream().map(e -> e.get("type").asString()).toList())
                .containsExactly("AccountOpened", "AccountPlanChanged");
        assertThat(document.at("/history/0/payload/email").asString()).isEqualTo("held-" + id + "@example.com");
        assertThat(ServiceInstances.http(service, "reader", Scopes.READ).get("/accounts/" + id + "/export").status())
                .as("accounts:export is needed").isEqualTo(403);
        assertThat(ServiceInstances.http(service, "exporter", Scopes.EXPORT).get("/accounts/" + id + "/export")
                                   .status()).as("and accounts:read").isEqualTo(403);
        awaitAudit(id, "ACCOUNT_EXPORTED");

        admin.post("/accounts/" + id + "/deletion", "{\"reason\":\"closing\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> status(id).equals("PURGED"));
        String after = exporter.get("/accounts/" + id + "/export").raw();
        JsonNode purged = exporter.get("/accounts/" + id + "/export").json();
        assertThat(purged.get("purged").asBoolean()).isTrue();
        assertThat(purged.hasNonNull("purgedAt")).isTrue();
        assertThat(purged.get("history").valueStream().map(e -> e.get("type").asString()).toList())
                .containsExactly("AccountOpened", "AccountPlanChanged", "AccountDeletionRequested",
                                 "AccountQuarantined", "AccountPurged");
        assertThat(after).doesNotContain("held-" + id + "@example.com").doesNotContain("Held " + id)
                         .doesNotContain("ciphertext");
    }

    private static UUID open(String plan) {
        UUID id = UUID.randomUUID();
        assertThat(admin.post("/accounts", openAccountJson(id, "held-" + id + "@example.com", "Held " + id, plan))
                        .status()).isEqualTo(201);
        return id;
    }

    private static String placeHold(String body) {
        HttpJson.Response placed = legal.post("/admin/legal-holds", body);
        assertThat(placed.status()).as(placed.raw()).isEqualTo(201);
        assertThat(placed.json().get("notCovered").isEmpty()).isTrue();
        return placed.json().get("holdId").asString();
    }

    private static JsonNode account(UUID id) {
        return admin.get("/accounts/" + id).json();
    }

    private static String status(UUID id) {
        return account(id).get("status").asString();
    }

    private static List<String> ids(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    private static List<String> ids(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::asString).toList();
    }

    private static JsonNode pending(UUID id) {
        return admin.get("/admin/purges/pending?size=1000").json().get("items").valueStream()
                    .filter(p -> p.get("accountId").asString().equals(id.toString())).findFirst().orElse(null);
    }

    private static JsonNode erasureRequest(UUID id) {
        return admin.get("/admin/erasure-requests?size=1000").json().get("items").valueStream()
                    .filter(p -> p.get("accountId").asString().equals(id.toString())).findFirst().orElse(null);
    }

    private static int auditCount(UUID id, String action) {
        return jdbc.queryForObject("select count(*) from projection.audit_log where action = ? and "
                                   + (id == null ? "account_id is null" : "account_id = ?"), Integer.class,
                                   id == null ? new Object[]{action} : new Object[]{action, id});
    }

    private static void awaitAudit(UUID id, String action) {
        await().atMost(Duration.ofSeconds(20)).until(() -> auditCount(id, action) > 0);
    }
}
