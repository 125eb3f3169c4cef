package io.accountlifecycle.service.batch;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Bulk deletion's safeguards, through the API as an admin would use them. */
@RealPostgres(database = DeletionBatchIT.DATABASE)
@RealKafka
class DeletionBatchIT {

    static final String DATABASE = "accounts_batches";

    private static ConfigurableApplicationContext service;
    private static HttpJson admin;
    private static HttpJson approver;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        // No Kafka intake: it would replay every command other tests sent to the shared broker.
        service = ServiceInstances.start(DATABASE, "batches-it", "--account.purge.hold=PT6S",
                                         "--account.deletion.approval-above-accounts=2",
                                         "--account.deletion.request-chunk-size=1",
                                         "--account.deletion.preview-ttl=PT5S",
                                         "--account.kafka.intake.enabled=false");
        admin = ServiceInstances.http(service);
        approver = ServiceInstances.http(service, "second-admin", Scopes.APPROVE, Scopes.READ);
        jdbc = service.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** Opens an account inactive since 2025 on {@code plan}; returns its id. */
    private static UUID inactive(String plan, boolean flaggedProtected) {
        UUID id = UUID.randomUUID();
        assertThat(admin.post("/accounts", """
                {"accountId":"%s","email":"old-%s@example.com","displayName":"Old","plan":"%s","protected":%s}"""
                .formatted(id, id, plan, flaggedProtected)).status()).isEqualTo(201);
        assertThat(admin.post("/accounts/" + id + "/activity", "{\"lastActivityAt\":\"2025-03-01T00:00:00Z\"}")
                        .status()).isBetween(200, 204);
        return id;
    }

    private static String tag;

    /** A criteria document selecting this test's accounts only: their ids, inactive since 2026, the plans given. */
    private static String criteria(List<UUID> ids, String... plans) {
        String planList = java.util.Arrays.stream(plans).map(p -> "\"" + p + "\"").collect(Collectors.joining(","));
        String idList = ids.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(","));
        return "{\"accountIds\":[" + idList + "],\"inactiveSince\":\"2026-01-01T00:00:00Z\",\"plans\":[" + planList
               + "]}";
    }

    private static String status(UUID id) {
        return admin.get("/accounts/" + id).json().get("status").asString();
    }

    private static JsonNode batchWhen(String batchId, java.util.function.Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            HttpJson.Response response = admin.get("/admin/deletion-batches/" + batchId);
            last[0] = response.status() == 200 ? response.json() : null;
            return last[0] != null && condition.test(last[0]);
        });
        return last[0];
    }

    @Test
    void previewChangesNothingAndTheExecutedBatchIsExactlyThePreviewUntilItIsUndone() {
        UUID a = inactive("STANDARD", false);
        UUID b = inactive("STANDARD", false);
        UUID c = inactive("FREE", false);
        UUID enterprise = inactive("ENTERPRISE", false);
        UUID flagged = inactive("STANDARD", true);
        List<UUID> all = List.of(a, b, c, enterprise, flagged);
        ServiceInstances.awaitSummaries(jdbc, all);

        long eventsBefore = jdbc.queryForObject("select count(*) from domain_event_entry where payload_type <> 'io.accountlifecycle.api.AccessDeniedEvent'", Long.class);
        JsonNode preview = admin.post("/admin/deletion-batches/preview",
                                      criteria(all, "STANDARD", "FREE", "ENTERPRISE")).json();
        assertThat(jdbc.queryForObject("select count(*) from domain_event_entry where payload_type <> 'io.accountlifecycle.api.AccessDeniedEvent'", Long.class))
                .as("a preview changes nothing").isEqualTo(eventsBefore);
        assertThat(ids(preview.get("accounts"))).containsExactlyInAnyOrder(a.toString(), b.toString(), c.toString());
        assertThat(preview.at("/countsByPlan/STANDARD").asLong()).isEqualTo(2);
        assertThat(preview.at("/countsByPlan/FREE").asLong()).isEqualTo(1);
        assertThat(preview.get("monthlyValueAtRisk").decimalValue()).isEqualByComparingTo("30");
        assertThat(preview.get("excluded").valueStream().map(e -> e.get("accountId").asString() + " "
                                                                   + e.get("reason").asString()).toList())
                .containsExactlyInAnyOrder(enterprise + " protected plan ENTERPRISE", flagged + " protected account");
        assertThat(preview.get("approvalRequired").asBoolean()).isTrue();

        // The set changes (c is seen in use again): the old token is refused and nothing happens.
        assertThat(admin.post("/accounts/" + c + "/activity", "{}").status()).isBetween(200, 204);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select last_activity_at > '2026-01-01' from projection.account_summary where account_id = ?",
                Boolean.class, c));
        HttpJson.Response stale = admin.post("/admin/deletion-batches", "{\"previewToken\":\""
                                                                        + preview.get("previewToken").asString()
                                                                        + "\",\"reason\":\"clean-up\"}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().get("detail").asString()).contains("changed since the preview");
        assertThat(List.of(status(a), status(b), status(c))).containsOnly("ACTIVE");

        JsonNode fresh = admin.post("/admin/deletion-batches/preview", criteria(all, "STANDARD", "FREE")).json();
        assertThat(ids(fresh.get("accounts"))).containsExactlyInAnyOrder(a.toString(), b.toString());
        String token = fresh.get("previewToken").asString();
        HttpJson.Response created = admin.post("/admin/deletion-batches",
                                               "{\"previewToken\":\"" + token + "\",\"reason\":\"clean-up\"}");
        assertThat(created.status()).isEqualTo(201);
        String batchId = created.json().get("batchId").asString();
        assertThat(created.json().get("state").asString()).isEqualTo("IN_PROGRESS");
        assertThat(admin.post("/admin/deletion-batches", "{\"previewToken\":\"" + token + "\",\"reason\":\"again\"}")
                        .status()).as("a token is used once").isEqualTo(409);

        JsonNode inHold = batchWhen(batchId, bt -> bt.get("state").asString().equals("IN_HOLD"));
        assertThat(inHold.at("/counts/QUARANTINED").asLong()).isEqualTo(2);
        assertThat(List.of(status(a), status(b))).containsOnly("QUARANTINED");
        assertThat(List.of(status(c), status(enterprise), status(flagged))).containsOnly("ACTIVE");
        assertThat(admin.get("/analytics/accounts/" + a + "/timeline").json().get("items").valueStream()
                        .anyMatch(e -> batchId.equals(e.path("batchId").asString(null)))).isTrue();

        JsonNode undone = admin.post("/admin/deletion-batches/" + batchId + "/cancel", "{\"reason\":\"wrong list\"}")
                               .json();
        assertThat(undone.get("restored").asInt()).isEqualTo(2);
        assertThat(undone.get("alreadyPurged").asInt()).isZero();
        assertThat(List.of(status(a), status(b))).containsOnly("ACTIVE");
        assertThat(admin.get("/accounts/" + a).json().get("email").asString()).isEqualTo("old-" + a + "@example.com");
        JsonNode cancelled = batchWhen(batchId, bt -> bt.get("state").asString().equals("CANCELLED"));
        assertThat(cancelled.at("/counts/RESTORED").asLong()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/analytics/audit?accountId=" + a).json()
                .get("items").valueStream().map(e -> e.get("action").asString()).toList()
                .containsAll(List.of("DELETION_REQUESTED", "DELETION_CANCELLED")));
    }

    @Test
    void aLargeBatchWaitsForASecondAdminAndUndoCountsWhatWasAlreadyPurged() {
        List<UUID> accounts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            accounts.add(inactive("FREE", false));
        }
        ServiceInstances.awaitSummaries(jdbc, accounts);
        String token = admin.post("/admin/deletion-batches/preview", criteria(accounts, "FREE")).json()
                            .get("previewToken").asString();
        JsonNode created = admin.post("/admin/deletion-batches",
                                      "{\"previewToken\":\"" + token + "\",\"reason\":\"big clean-up\"}").json();
        assertThat(created.get("state").asString()).isEqualTo("PENDING_APPROVAL");
        String batchId = created.get("batchId").asString();
        batchWhen(batchId, bt -> bt.get("state").asString().equals("PENDING_APPROVAL"));
        assertThat(accounts.stream().map(DeletionBatchIT::status).collect(Collectors.toSet())).containsOnly("ACTIVE");

        HttpJson requesterWithApproveScope = ServiceInstances.http(service, "test-user", Scopes.APPROVE);
        assertThat(requesterWithApproveScope.post("/admin/deletion-batches/" + batchId + "/approve", "").status())
                .as("the requester's own approval is refused").isEqualTo(403);
        assertThat(admin.post("/admin/deletion-batches/" + batchId + "/approve", "").status())
                .as("approving needs accounts:approve").isIn(403);
        // While the batch waits, one of its accounts is deleted on its own request: the batch skips it, and its undo
        // will not count (or restore) a deletion it did not make.
        assertThat(admin.post("/accounts/" + accounts.get(0) + "/deletion", "{\"reason\":\"customer asked\"}")
                        .status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> status(accounts.get(0)).equals("QUARANTINED"));
        assertThat(approver.post("/admin/deletion-batches/" + batchId + "/approve", "").status()).isEqualTo(200);

        batchWhen(batchId, bt -> bt.get("state").asString().equals("COMPLETED") && bt.at("/counts/PURGED").asLong() == 2
                                 && bt.at("/counts/SKIPPED").asLong() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(accounts.get(0)).equals("PURGED"));
        JsonNode undone = admin.post("/admin/deletion-batches/" + batchId + "/cancel", "{\"reason\":\"late\"}").json();
        assertThat(undone.get("restored").asInt()).isZero();
        assertThat(undone.get("alreadyPurged").asInt()).isEqualTo(2);
        Set<String> statuses = accounts.stream().map(DeletionBatchIT::status).collect(Collectors.toSet());
        assertThat(statuses).containsOnly("PURGED");
        assertThat(admin.get("/analytics/deletion-batches?requestedBy=test-user").json().get("items").valueStream()
                        .map(bt -> bt.get("batchId").asString())).contains(batchId);
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/analytics/audit?sort=occurredAt,asc&size=1000")
                .json().get("items").valueStream()
                .filter(e -> batchId.equals(e.path("batchId").asString(null)))
                .map(e -> e.get("action").asString() + " " + e.get("actor").asString()).toList()
                .containsAll(List.of("BATCH_CREATED test-user", "BATCH_APPROVED second-admin",
                                     "BATCH_CANCELLED test-user")));
    }

    @Test
    void anExpiredPreviewIsRefusedAndNothingHappens() {
        UUID account = inactive("FREE", false);
        ServiceInstances.awaitSummaries(jdbc, List.of(account));
        JsonNode preview = admin.post("/admin/deletion-batches/preview", criteria(List.of(account), "FREE")).json();
        String token = preview.get("previewToken").asString();
        Instant expiresAt = Instant.parse(preview.get("expiresAt").asString());
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expiresAt));
        HttpJson.Response expired = admin.post("/admin/deletion-batches",
                                               "{\"previewToken\":\"" + token + "\",\"reason\":\"late\"}");
        assertThat(expired.status()).isEqualTo(409);
        assertThat(expired.json().get("detail").asString()).contains("expired");
        assertThat(status(account)).isEqualTo("ACTIVE");
    }

    private static List<String> ids(JsonNode accounts) {
        return accounts.valueStream().map(x -> x.get("accountId").asString()).toList();
    }
}
