package io.accountlifecycle.service.deletion;

import io.accountlifecycle.api.PurgeAccountCommand;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.TopicReader;
import io.accountlifecycle.service.command.CommandSender;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One deletion policy on every HTTP door: single requests and batches of one actor add up against its window and
 * everyone's; parallel requests over two instances never get past a threshold together; protection sticks; waiting
 * approvals are listed, decided as a whole, and expire; a batch approved later leaves out accounts that no longer
 * match; an operation is undone in one call. (Kafka's door: {@code KafkaDeletionPolicyIT}.)
 */
@RealPostgres(database = DeletionPolicyIT.DATABASE)
@RealKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeletionPolicyIT {

    static final String DATABASE = "accounts_policy";
    static final int ACTOR_MAX = 5;
    static final int TOTAL_MAX = 120;
    static final Duration APPROVAL_TTL = Duration.ofSeconds(20);

    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;
    private static HttpJson product;
    private static HttpJson admin;
    private static HttpJson approver;
    private static JdbcTemplate jdbc;

    private static final String[] SETTINGS = {
            "--account.purge.hold=PT1H",
            "--account.deletion.actor-max-accounts=" + ACTOR_MAX,
            "--account.deletion.actor-max-monthly-value=100",
            "--account.deletion.total-max-accounts=" + TOTAL_MAX,
            "--account.deletion.total-max-monthly-value=100000",
            "--account.deletion.approval-above-accounts=50",
            "--account.deletion.breaker-requests-per-minute=100000",
            "--account.deletion.approval-ttl=PT20S",
            "--account.deletion.approval-expiry-interval=PT1S",
            "--account.deletion.protection-look-back=P30D",
            "--spring.kafka.consumer.auto-offset-reset=latest"};

    @BeforeAll
    static void start() {
        first = ServiceInstances.start(DATABASE, "policy-it-1", SETTINGS);
        second = ServiceInstances.start(DATABASE, "policy-it-2", SETTINGS);
        product = ServiceInstances.http(first, "crm-service", Scopes.WRITE, Scopes.READ);
        admin = ServiceInstances.http(first, "ops-admin", Scopes.ADMIN, Scopes.DELETE, Scopes.READ, Scopes.WRITE,
                                      Scopes.ANALYTICS);
        approver = ServiceInstances.http(first, "second-admin", Scopes.APPROVE, Scopes.ADMIN, Scopes.READ);
        jdbc = first.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {second, first}) {
            if (context != null) {
                context.close();
            }
        }
    }

    private static UUID open(String plan) {
        return open(plan, false);
    }

    private static UUID open(String plan, boolean flagged) {
        UUID id = UUID.randomUUID();
        assertThat(product.post("/accounts", """
                {"accountId":"%s","email":"p-%s@example.com","displayName":"P","plan":"%s","protected":%s}"""
                .formatted(id, id, plan, flagged)).status()).isEqualTo(201);
        return id;
    }

    private static HttpJson deleter(String subject) {
        return ServiceInstances.http(first, subject, Scopes.DELETE, Scopes.READ);
    }

    private static HttpJson.Response delete(HttpJson caller, UUID id) {
        return caller.post("/accounts/" + id + "/deletion", "{\"reason\":\"clean-up\"}");
    }

    private static String status(UUID id) {
        return admin.get("/accounts/" + id).json().get("status").asString();
    }

    private static List<JsonNode> waiting() {
        return approver.get("/admin/deletion-approvals").json().get("items").valueStream().toList();
    }

    @Test
    void singleDeletionsOfOneActorCrossItsThresholdWaitForApprovalAndAreApprovedAsOneOperation() {
        HttpJson script = deleter("cleanup-script");
        List<UUID> ids = IntStream.range(0, ACTOR_MAX + 2).mapToObj(i -> open("FREE")).toList();
        for (UUID id : ids.subList(0, ACTOR_MAX)) {
            HttpJson.Response accepted = delete(script, id);
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(accepted.json().get("approvalRequired").asBoolean()).isFalse();
        }
        // The rest come from the same script run (one correlation id): they wait, as one operation.
        List<UUID> waiting = ids.subList(ACTOR_MAX, ids.size());
        for (UUID id : waiting) {
            HttpJson.Response pending = script.sendWithHeader("POST", "/accounts/" + id + "/deletion",
                                                              "X-Correlation-Id", "run-42", "{\"reason\":\"clean-up\"}");
            assertThat(pending.status()).isEqualTo(202);
            assertThat(pending.json().get("approvalRequired").asBoolean()).isTrue();
            assertThat(pending.json().get("approvalReason").asString()).contains("actor-max-accounts");
        }
        // Another actor is not held by this one's window.
        assertThat(delete(deleter("someone-else"), open("FREE")).json().get("approvalRequired").asBoolean()).isFalse();

        JsonNode operation = waiting().stream().filter(w -> w.get("requestedBy").asString().equals("cleanup-script"))
                                      .findFirst().orElseThrow();
        assertThat(operation.get("kind").asString()).isEqualTo("OPERATION");
        assertThat(operation.get("accounts").asInt()).isEqualTo(2);
        assertThat(operation.get("accountIds").valueStream().map(JsonNode::asString).toList())
                .containsExactlyInAnyOrderElementsOf(waiting.stream().map(UUID::toString).toList());
        assertThat(operation.get("expiresAt").asString()).isNotBlank();
        String operationId = operation.get("operationId").asString();
        HttpJson requesterApproving = ServiceInstances.http(first, "cleanup-script", Scopes.APPROVE);
        assertThat(requesterApproving.post("/admin/deletion-approvals/" + operationId + "/approve", "").status())
                .as("never by the requester").isEqualTo(403);
        assertThat(waiting.stream().map(DeletionPolicyIT::status)).containsOnly("ACTIVE");

        assertThat(approver.post("/admin/deletion-approvals/" + operationId + "/approve", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> status(id).equals("QUARANTINED")));
        assertThat(waiting()).noneMatch(w -> w.get("operationId").asString().equals(operationId));
    }

    @Test
    void kafkaDeletionsOfOneActorCountAgainstTheSameWindowAndAreAnsweredPendingApproval() {
        String token = TestTokens.mint(first, "kafka-cleanup", List.of(Scopes.DELETE));
        List<UUID> ids = IntStream.range(0, ACTOR_MAX + 1).mapToObj(i -> open("FREE")).toList();
        // Two over HTTP, the rest over Kafka: the same actor, the same window.
        HttpJson overHttp = ServiceInstances.http(first, "kafka-cleanup", Scopes.DELETE);
        assertThat(delete(overHttp, ids.get(0)).json().get("approvalRequired").asBoolean()).isFalse();
        assertThat(delete(overHttp, ids.get(1)).json().get("approvalRequired").asBoolean()).isFalse();
        List<String> commandIds = new ArrayList<>();
        try (TopicReader results = new TopicReader(KafkaTopics.COMMAND_RESULTS)) {
            for (UUID id : ids.subList(2, ids.size())) {
                String commandId = UUID.randomUUID().toString();
                commandIds.add(commandId);
                TopicReader.sendCommand(id.toString(), ("{\"commandId\":\"" + commandId + "\",\"type\":"
                                                        + "\"RequestAccountDeletion\",\"accountId\":\"" + id
                                                        + "\",\"payload\":{\"reason\":\"clean-up\"}}"), token);
                // One at a time, so the order of the decisions is known.
                await().atMost(Duration.ofSeconds(30)).until(() -> !ours(results, commandId).isEmpty());
            }
            // Other tests' contexts answer the shared topic too (REJECTED: no such account in their database).
            List<String> statuses = commandIds.stream().map(c -> ours(results, c).get(0).get("status").asString())
                                              .toList();
            assertThat(statuses).containsExactly("ACCEPTED", "ACCEPTED", "ACCEPTED", "PENDING_APPROVAL");
            assertThat(ours(results, commandIds.get(3)).get(0).get("reason").asString())
                    .contains("actor-max-accounts");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.subList(0, ACTOR_MAX).stream()
                                                              .allMatch(id -> status(id).equals("QUARANTINED")));
        assertThat(status(ids.get(ACTOR_MAX))).isEqualTo("ACTIVE");
        assertThat(waiting()).anyMatch(w -> w.get("accountIds").toString().contains(ids.get(ACTOR_MAX).toString()));
    }

    /** This database's answers to a command: ACCEPTED or PENDING_APPROVAL (others' databases do not know the account). */
    private static List<JsonNode> ours(TopicReader results, String commandId) {
        return results.values(r -> r.get("commandId").asString().equals(commandId)
                                   && !r.get("status").asString().equals("REJECTED"));
    }

    @Test
    void theMonthlyValueOfOneActorsDeletionsIsBoundedToo() {
        HttpJson script = deleter("value-script");
        assertThat(delete(script, open("PREMIUM")).json().get("approvalRequired").asBoolean()).isFalse();
        assertThat(delete(script, open("PREMIUM")).json().get("approvalRequired").asBoolean()).isFalse();
        HttpJson.Response third = delete(script, open("PREMIUM"));
        assertThat(third.json().get("approvalRequired").asBoolean()).as("3 × 49 > 100").isTrue();
        assertThat(third.json().get("approvalReason").asString()).contains("actor-max-monthly-value");
    }

    /** Last: it spends what is left of everyone's window, so later deletions in this database would wait. */
    @Test
    @Order(Integer.MAX_VALUE)
    void manyDeletionsInParallelOverTwoInstancesNeverGetPastTheTotalThreshold() throws Exception {
        int requests = 200;
        List<UUID> ids = IntStream.range(0, requests).mapToObj(i -> open("FREE")).toList();
        long used = jdbc.queryForObject("select count(*) from deletion_request where decision = 'ALONE' "
                                        + "and requested_at > now() - interval '1 hour'", Long.class);
        long budget = Math.max(0, TOTAL_MAX - used);
        List<HttpJson> callers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            // Each from an actor of its own, so only everyone's window binds; half over each instance.
            callers.add(ServiceInstances.http(i % 2 == 0 ? first : second, "parallel-" + i, Scopes.DELETE));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<HttpJson.Response>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            int n = i;
            answers.add(pool.submit(() -> delete(callers.get(n), ids.get(n))));
        }
        int accepted = 0;
        int waitingForApproval = 0;
        for (Future<HttpJson.Response> answer : answers) {
            HttpJson.Response response = answer.get();
            assertThat(response.status()).isEqualTo(202);
            if (response.json().get("approvalRequired").asBoolean()) {
                waitingForApproval++;
            } else {
                accepted++;
            }
        }
        pool.shutdown();
        assertThat(accepted).as("exactly what was left of everyone's window (%d)", budget).isEqualTo((int) budget);
        assertThat(waitingForApproval).isEqualTo(requests - (int) budget);
        assertThat(jdbc.queryForObject("select count(*) from deletion_request where decision = 'ALONE' "
                                       + "and requested_at > now() - interval '1 hour'", Long.class))
                .isEqualTo(TOTAL_MAX);
    }

    @Test
    void splitBatchesAddUpAgainstTheRequestersWindow() {
        HttpJson cleaner = ServiceInstances.http(first, "batch-splitter", Scopes.ADMIN, Scopes.READ);
        List<UUID> firstHalf = List.of(open("FREE"), open("FREE"), open("FREE"));
        List<UUID> secondHalf = List.of(open("FREE"), open("FREE"), open("FREE"));
        assertThat(execute(cleaner, firstHalf).get("state").asString()).isEqualTo("IN_PROGRESS");
        JsonNode split = execute(cleaner, secondHalf);
        assertThat(split.get("state").asString()).as("3 + 3 > %d, each batch under 50", ACTOR_MAX)
                                                 .isEqualTo("PENDING_APPROVAL");
        assertThat(split.get("approvalReason").asString()).contains("actor-max-accounts");
        assertThat(waiting()).anyMatch(w -> w.get("kind").asString().equals("BATCH")
                                            && w.get("batchId").asString().equals(split.get("batchId").asString()));
    }

    private static JsonNode execute(HttpJson caller, List<UUID> ids) {
        String list = String.join("\",\"", ids.stream().map(UUID::toString).toList());
        // A preview starts from the account summary: wait until it has every account.
        JsonNode preview = await().atMost(Duration.ofSeconds(20)).until(
                () -> caller.post("/admin/deletion-batches/preview", "{\"accountIds\":[\"" + list + "\"]}").json(),
                p -> p.get("accounts").size() == ids.size());
        HttpJson.Response created = caller.post("/admin/deletion-batches", "{\"previewToken\":\""
                                                + preview.get("previewToken").asString() + "\",\"reason\":\"old\"}");
        assertThat(created.status()).isEqualTo(201);
        return created.json();
    }

    @Test
    void protectionSticksForTheLookBackAfterAPlanDowngradeOrTheFlagsRemoval() {
        UUID downgraded = open("ENTERPRISE");
        assertThat(product.put("/accounts/" + downgraded + "/plan", "{\"plan\":\"FREE\"}").status()).isEqualTo(204);
        HttpJson.Response afterDowngrade = delete(admin, downgraded);
        assertThat(afterDowngrade.json().get("approvalRequired").asBoolean()).isTrue();
        assertThat(afterDowngrade.json().get("approvalReason").asString()).contains("protected plan ENTERPRISE");

        UUID flagged = open("FREE", true);
        assertThat(product.put("/accounts/" + flagged + "/protection", "{\"protected\":false,\"reason\":\"why not\"}")
                          .status()).as("removing protection needs accounts:admin").isEqualTo(403);
        assertThat(admin.put("/accounts/" + flagged + "/protection", "{\"protected\":false,\"reason\":\"closed deal\"}")
                        .json().get("protected").asBoolean()).isFalse();
        assertThat(delete(admin, flagged).json().get("approvalRequired").asBoolean()).isTrue();

        UUID newlyFlagged = open("FREE");
        assertThat(product.put("/accounts/" + newlyFlagged + "/protection",
                               "{\"protected\":true,\"reason\":\"key customer\"}").status()).isEqualTo(200);
        assertThat(product.put("/accounts/" + newlyFlagged + "/protection", "{\"protected\":true}").status())
                .as("a reason is required").isEqualTo(400);

        // Batches leave them out, with why (once the read model a preview starts from has both).
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode preview = admin.post("/admin/deletion-batches/preview", "{\"accountIds\":[\"" + downgraded
                                                                             + "\",\"" + newlyFlagged + "\"]}").json();
            assertThat(preview.get("accounts").size()).isZero();
            assertThat(preview.get("excluded").valueStream().map(e -> e.get("reason").asString()).toList())
                    .anyMatch(r -> r.contains("protected plan ENTERPRISE"))
                    .anyMatch(r -> r.equals("protected account"));
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/analytics/audit?size=1000").json().get("items")
                .valueStream().map(e -> e.get("action").asString()).toList()
                .containsAll(List.of("PROTECTION_SET", "PROTECTION_REMOVED")));
    }

    @Test
    void aWaitingApprovalExpiresAndChangesNothing() {
        UUID flagged = open("FREE", true);
        assertThat(delete(admin, flagged).json().get("approvalRequired").asBoolean()).isTrue();
        await().atMost(APPROVAL_TTL.plusSeconds(20)).pollInterval(Duration.ofSeconds(1))
               .until(() -> admin.get("/accounts/" + flagged + "/events").json().get("items").valueStream()
                                 .anyMatch(e -> e.get("type").asString().equals("AccountDeletionApprovalExpired")));
        assertThat(approver.post("/accounts/" + flagged + "/deletion/approve", "").status()).isEqualTo(409);
        assertThat(status(flagged)).isEqualTo("ACTIVE");
        assertThat(waiting()).noneMatch(w -> w.get("accountIds").toString().contains(flagged.toString()));
        // It may be requested again, and waits again.
        assertThat(delete(admin, flagged).json().get("approvalRequired").asBoolean()).isTrue();
    }

    @Test
    void aBatchApprovedAfterItsAccountsChangedLeavesThemOutWithTheReason() {
        HttpJson cleaner = ServiceInstances.http(first, "late-cleaner", Scopes.ADMIN, Scopes.READ, Scopes.WRITE);
        List<UUID> ids = IntStream.range(0, ACTOR_MAX + 1).mapToObj(i -> open("FREE")).toList();
        for (UUID id : ids) {
            assertThat(product.post("/accounts/" + id + "/activity", "{\"lastActivityAt\":\"2025-01-01T00:00:00Z\"}")
                              .status()).isEqualTo(204);
        }
        ServiceInstances.awaitSummaries(jdbc, ids);
        String list = String.join("\",\"", ids.stream().map(UUID::toString).toList());
        JsonNode preview = cleaner.post("/admin/deletion-batches/preview", "{\"accountIds\":[\"" + list
                                        + "\"],\"inactiveSince\":\"2026-01-01T00:00:00Z\",\"plans\":[\"FREE\"]}").json();
        assertThat(preview.get("accounts").size()).isEqualTo(ids.size());
        JsonNode created = cleaner.post("/admin/deletion-batches", "{\"previewToken\":\""
                                        + preview.get("previewToken").asString() + "\",\"reason\":\"inactive\"}").json();
        assertThat(created.get("state").asString()).isEqualTo("PENDING_APPROVAL");
        String batchId = created.get("batchId").asString();

        UUID seenAgain = ids.get(0);
        UUID upgraded = ids.get(1);
        assertThat(product.post("/accounts/" + seenAgain + "/activity", "{}").status()).isEqualTo(204);
        assertThat(product.put("/accounts/" + upgraded + "/plan", "{\"plan\":\"PREMIUM\"}").status()).isEqualTo(204);
        assertThat(approver.post("/admin/deletion-batches/" + batchId + "/approve", "").status()).isEqualTo(200);

        List<UUID> rest = ids.subList(2, ids.size());
        await().atMost(Duration.ofSeconds(30)).until(() -> rest.stream().allMatch(id -> status(id).equals("QUARANTINED")));
        assertThat(status(seenAgain)).isEqualTo("ACTIVE");
        assertThat(status(upgraded)).isEqualTo("ACTIVE");
        // The batch's read model may not hold the batch yet (404 without counts): wait for it too.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
               .until(() -> admin.get("/admin/deletion-batches/" + batchId).json()
                                 .get("counts").get("LEFT_OUT").asLong() == 2);
        JsonNode batch = admin.get("/admin/deletion-batches/" + batchId).json();
        assertThat(batch.get("leftOut").valueStream()
                        .map(l -> l.get("accountId").asString() + " " + l.get("reason").asString()).toList())
                .anySatisfy(l -> assertThat(l).startsWith(seenAgain.toString()).contains("seen in use"))
                .anySatisfy(l -> assertThat(l).startsWith(upgraded.toString()).contains("moved to plan PREMIUM"));
    }

    @Test
    void anOperationIsUndoneInOneCallWithTheAccountsData() {
        Instant before = Instant.now().minusSeconds(1);
        HttpJson script = deleter("undo-script");
        List<UUID> ids = List.of(open("FREE"), open("FREE"), open("FREE"), open("FREE"));
        for (UUID id : ids) {
            assertThat(script.sendWithHeader("POST", "/accounts/" + id + "/deletion", "X-Correlation-Id", "wrong-list",
                                             "{\"reason\":\"clean-up\"}").json().get("approvalRequired").asBoolean())
                    .isFalse();
        }
        UUID otherRun = open("FREE");
        assertThat(delete(script, otherRun).status()).isEqualTo(202);
        // The other run is awaited too: a deletion is ACTIVE (requested) until the saga quarantines it.
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> status(id).equals("QUARANTINED"))
                                                           && status(otherRun).equals("QUARANTINED"));
        // One hold ends early (as if its 30 days had passed): it cannot come back, and says so.
        UUID purged = ids.get(0);
        first.getBean(CommandSender.class).sendAndWait(new PurgeAccountCommand(purged), Origin.system("test"));

        String criteria = "{\"requestedBy\":\"undo-script\",\"from\":\"" + before + "\",\"correlationId\":\"wrong-list\"}";
        JsonNode preview = admin.post("/admin/deletion-operations/preview", criteria).json();
        assertThat(preview.get("accounts").valueStream().map(a -> a.get("accountId").asString()).toList())
                .containsExactlyInAnyOrderElementsOf(ids.subList(1, 4).stream().map(UUID::toString).toList());
        assertThat(preview.get("accounts").get(0).get("requestedBy").asString()).isEqualTo("undo-script");
        assertThat(preview.get("countsByPlan").get("FREE").asInt()).isEqualTo(3);
        assertThat(preview.get("alreadyPurged").valueStream().map(JsonNode::asString).toList())
                .containsExactly(purged.toString());
        String token = preview.get("previewToken").asString();

        assertThat(admin.post("/admin/deletion-operations/cancel", "{\"previewToken\":\"" + token + "\"}").status())
                .as("a reason is required").isEqualTo(400);
        JsonNode cancelled = admin.post("/admin/deletion-operations/cancel", "{\"previewToken\":\"" + token
                                                                             + "\",\"reason\":\"wrong list\"}").json();
        assertThat(cancelled.get("restored").size()).isEqualTo(3);
        assertThat(cancelled.get("alreadyPurged").size()).isEqualTo(1);
        for (UUID id : ids.subList(1, 4)) {
            JsonNode account = admin.get("/accounts/" + id).json();
            assertThat(account.get("status").asString()).isEqualTo("ACTIVE");
            assertThat(account.get("email").asString()).isEqualTo("p-" + id + "@example.com");
        }
        assertThat(status(otherRun)).as("another run of the script is not this operation").isEqualTo("QUARANTINED");
        assertThat(admin.post("/admin/deletion-operations/cancel", "{\"previewToken\":\"" + token
                                                                   + "\",\"reason\":\"again\"}").status())
                .as("a token restores once").isEqualTo(409);
    }
}
