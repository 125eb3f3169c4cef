package io.accountlifecycle.service.batch;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.TopicReader;
import io.accountlifecycle.purge.PurgeSagaConfiguration;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A protected account's deletion waits for a second admin; the breaker trips at the configured request rate,
 * refuses deletions on every intake (HTTP, Kafka, batches), withdraws what the saga had not quarantined yet, and is
 * reset with a reason by someone who did not cause it.
 */
@RealPostgres(database = DeletionSafeguardsIT.DATABASE)
@RealKafka
class DeletionSafeguardsIT {

    static final String DATABASE = "accounts_safeguards";

    private static ConfigurableApplicationContext service;
    private static HttpJson admin;
    private static HttpJson approver;
    private static HttpJson requesterApproving;
    private static HttpJson otherAdmin;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        // A new consumer group starts at the end of account.commands: the deletions other tests sent to the shared
        // broker must not count towards this instance's quarantine rate.
        service = ServiceInstances.start(DATABASE, "safeguards-it", "--account.purge.hold=PT1H",
                                         "--account.deletion.breaker-requests-per-minute=3",
                                         "--spring.kafka.consumer.auto-offset-reset=latest");
        admin = ServiceInstances.http(service);
        approver = ServiceInstances.http(service, "second-admin", Scopes.APPROVE, Scopes.READ);
        requesterApproving = ServiceInstances.http(service, "test-user", Scopes.APPROVE);
        otherAdmin = ServiceInstances.http(service, "other-admin", Scopes.ADMIN, Scopes.READ);
        jdbc = service.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static UUID open(String plan, boolean flaggedProtected) {
        UUID id = UUID.randomUUID();
        assertThat(admin.post("/accounts", """
                {"accountId":"%s","email":"s-%s@example.com","displayName":"S","plan":"%s","protected":%s}"""
                .formatted(id, id, plan, flaggedProtected)).status()).isEqualTo(201);
        return id;
    }

    private static String status(UUID id) {
        return admin.get("/accounts/" + id).json().get("status").asString();
    }

    private static HttpJson.Response requestDeletion(UUID id) {
        return admin.post("/accounts/" + id + "/deletion", "{\"reason\":\"clean-up\"}");
    }

    @Test
    void aProtectedAccountIsDeletedOnlyWithASecondAdminsApproval() {
        resetIfOpen();
        UUID flagged = open("FREE", true);
        UUID enterprise = open("ENTERPRISE", false);

        HttpJson.Response pending = requestDeletion(flagged);
        assertThat(pending.status()).isEqualTo(202);
        assertThat(pending.json().get("approvalRequired").asBoolean()).isTrue();
        assertThat(status(flagged)).isEqualTo("ACTIVE");
        assertThat(requestDeletion(flagged).status()).as("one pending request at a time").isEqualTo(409);
        assertThat(requesterApproving.post("/accounts/" + flagged + "/deletion/approve", "").status())
                .as("the requester's own approval is refused").isEqualTo(403);
        assertThat(admin.post("/accounts/" + flagged + "/deletion/approve", "").status())
                .as("approving needs accounts:approve").isEqualTo(403);
        assertThat(approver.post("/accounts/" + flagged + "/deletion/approve", "").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> status(flagged).equals("QUARANTINED"));

        assertThat(requestDeletion(enterprise).json().get("approvalRequired").asBoolean()).isTrue();
        assertThat(approver.post("/accounts/" + enterprise + "/deletion/reject", "{\"reason\":\"paying customer\"}")
                           .status()).isEqualTo(200);
        assertThat(status(enterprise)).isEqualTo("ACTIVE");
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/analytics/accounts/" + enterprise
                                                                     + "/timeline").json().path("items")
                                                                .valueStream().map(e -> e.get("change").asString())
                                                                .toList()
                                                                .containsAll(List.of("DELETION_APPROVAL_REQUESTED",
                                                                                     "DELETION_REJECTED")));
    }

    @Test
    void theBreakerTripsAtTheConfiguredRateRefusesEveryIntakeAndResets() throws Exception {
        resetIfOpen();
        // The limit is 3 deletion requests a minute, whatever door they come through (requests of the other tests
        // within the minute count too): the request that would go past it trips the breaker and is refused.
        long room = 3 - admin.get("/admin/deletion-breaker").json().get("requestsLastMinute").asLong();
        List<UUID> requested = new ArrayList<>();
        for (int i = 0; i < room; i++) {
            UUID id = open("FREE", false);
            assertThat(requestDeletion(id).status()).isEqualTo(202);
            requested.add(id);
        }
        // Quarantined before the breaker trips: what the saga reaches while it is open is withdrawn instead.
        await().atMost(Duration.ofSeconds(30)).until(() -> requested.stream().allMatch(
                id -> status(id).equals("QUARANTINED")));
        UUID next = open("FREE", false);
        HttpJson.Response refused = requestDeletion(next);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("detail").asString()).contains("deletion breaker");
        assertThat(status(next)).isEqualTo("ACTIVE");
        JsonNode breaker = admin.get("/admin/deletion-breaker").json();
        assertThat(breaker.get("open").asBoolean()).isTrue();
        assertThat(breaker.get("requestsAtTrip").asLong()).isEqualTo(3);
        assertThat(breaker.has("quarantinesAtTrip")).as("the first version's fields stay").isTrue();

        // Kafka: REJECTED with the reason, nothing stored.
        UUID commandId = UUID.randomUUID();
        try (TopicReader results = new TopicReader(KafkaTopics.COMMAND_RESULTS)) {
            TopicReader.sendCommand(next.toString(), "{\"commandId\":\"" + commandId
                    + "\",\"type\":\"RequestAccountDeletion\",\"accountId\":\"" + next
                    + "\",\"issuedBy\":\"crm\",\"payload\":{\"reason\":\"closing\"}}",
                    io.accountlifecycle.service.TestTokens.mint(service, "crm", List.of(Scopes.DELETE)));
            // (Other tests' cached contexts consume the shared topic too, each in its own group, each answering.)
            await().atMost(Duration.ofSeconds(30)).until(() -> results.values(
                    r -> r.get("commandId").asString().equals(commandId.toString())
                         && r.get("status").asString().equals("REJECTED")
                         && r.path("reason").asString("").contains("deletion breaker")).size() == 1);
        }

        // A batch meeting the open breaker waits, and goes ahead after the reset.
        UUID batched = open("FREE", false);
        assertThat(admin.post("/accounts/" + batched + "/activity", "{\"lastActivityAt\":\"2025-01-01T00:00:00Z\"}")
                        .status()).isBetween(200, 204);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select count(*) from projection.account_summary where account_id = ? and last_activity_at is not null",
                Integer.class, batched) == 1);
        String token = admin.post("/admin/deletion-batches/preview",
                                  "{\"accountIds\":[\"" + batched + "\"],\"inactiveSince\":\"2026-01-01T00:00:00Z\"}")
                            .json().get("previewToken").asString();
        String batchId = admin.post("/admin/deletion-batches", "{\"previewToken\":\"" + token
                                                               + "\",\"reason\":\"old\"}").json()
                              .get("batchId").asString();
        // Paused by the open breaker: still Active for as long as we look.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
               .until(() -> status(batched).equals("ACTIVE"));

        assertThat(admin.post("/admin/deletion-breaker/reset", "{}").status()).as("a reason is required")
                                                                     .isEqualTo(400);
        assertThat(admin.post("/admin/deletion-breaker/reset", "{\"reason\":\"mine were fine\"}").status())
                .as("who made most of the requests that tripped it cannot reset it").isEqualTo(403);
        assertThat(otherAdmin.post("/admin/deletion-breaker/reset", "{\"reason\":\"checked: a planned clean-up\"}")
                             .json().get("open").asBoolean()).isFalse();
        assertThat(requestDeletion(next).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(90)).until(() -> status(batched).equals("QUARANTINED"));
        assertThat(admin.get("/admin/deletion-batches/" + batchId).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/analytics/audit?size=1000").json()
                .get("items").valueStream().map(e -> e.get("action").asString()).toList()
                .containsAll(List.of("BREAKER_TRIPPED", "BREAKER_RESET")));
    }

    /**
     * What the saga had not yet quarantined when the breaker tripped is withdrawn, not quarantined later: after the
     * reset it stays Active, and comes back only if someone requests it again, through the policy.
     */
    @Test
    void nothingRequestedWhileTheBreakerWasOpenIsQuarantinedAfterItsReset() {
        resetIfOpen();
        EventProcessor saga = service.getBean(EventProcessingConfiguration.class)
                                     .eventProcessor(PurgeSagaConfiguration.SAGA_PROCESSOR).orElseThrow();
        saga.shutDown();
        List<UUID> requested = new ArrayList<>();
        try {
            long room = 3 - admin.get("/admin/deletion-breaker").json().get("requestsLastMinute").asLong();
            for (int i = 0; i < room; i++) {
                UUID id = open("FREE", false);
                assertThat(requestDeletion(id).status()).isEqualTo(202);
                requested.add(id);
            }
            assertThat(requestDeletion(open("FREE", false)).status()).isEqualTo(503);
        } finally {
            saga.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> requested.stream().allMatch(
                id -> admin.get("/accounts/" + id + "/events").json().get("items").valueStream()
                           .anyMatch(e -> e.get("type").asString().equals("AccountDeletionCancelled"))));
        assertThat(otherAdmin.post("/admin/deletion-breaker/reset", "{\"reason\":\"looked at it\"}").status())
                .isEqualTo(200);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
               .until(() -> requested.stream().allMatch(id -> status(id).equals("ACTIVE")));
        assertThat(requested).isNotEmpty();
    }

    private static void resetIfOpen() {
        if (admin.get("/admin/deletion-breaker").json().get("open").asBoolean()) {
            assertThat(otherAdmin.post("/admin/deletion-breaker/reset", "{\"reason\":\"next test\"}").status())
                    .isEqualTo(200);
        }
    }
}
