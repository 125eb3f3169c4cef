package io.accountlifecycle.service.account;

import io.accountlifecycle.api.AccountStatus;
import io.accountlifecycle.purge.PurgeSagaConfiguration;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.account.query.AccountHistory;
import io.accountlifecycle.service.account.query.AccountStates;
import io.accountlifecycle.service.eventstore.EventTable;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.TopicReader;
import io.accountlifecycle.service.recovery.SagaRestore;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.axonframework.config.EventProcessingConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The aggregate, {@code GET /accounts/{id}}, the batch's chunk check and the restore read the same events in four
 * ways (Axon's repository, the event store's stream, one query per chunk without profile-only events, one streamed
 * scan of the whole table) and fold them with the one fold: on a history with every lifecycle event — profile, plan
 * and activity changes, deletion requested, quarantined, cancelled, purged, approval requested, approved, rejected,
 * requests from two batches (one undone) — they agree on every account.
 */
@RealPostgres(database = LifecycleFoldIT.DATABASE)
@RealKafka
class LifecycleFoldIT {

    static final String DATABASE = "accounts_fold";

    private static ConfigurableApplicationContext service;
    private static HttpJson admin;
    private static HttpJson approver;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        service = ServiceInstances.start(DATABASE, "fold-it", "--account.purge.hold=PT2S",
                                         "--account.deletion.approval-above-accounts=5",
                                         "--account.deletion.request-chunk-size=1",
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

    @Test
    void everyReaderOfAnAccountsEventsFoldsThemAsTheAggregateDoes() {
        Map<String, UUID> accounts = new LinkedHashMap<>();

        UUID changed = open(accounts, "changed", "FREE");
        assertThat(admin.patch("/accounts/" + changed + "/profile", "{\"displayName\":\"Changed Name\"}").status())
                .isEqualTo(204);
        assertThat(admin.put("/accounts/" + changed + "/plan", "{\"plan\":\"STANDARD\"}").status()).isEqualTo(204);

        UUID purged = open(accounts, "purged", "STANDARD");
        requestDeletion(purged);
        awaitStatus(purged, "PURGED");
        assertThat(admin.post("/admin/purges/pause", "{\"reason\":\"hold the rest\"}").status()).isEqualTo(200);

        UUID cancelled = open(accounts, "cancelled", "FREE");
        requestDeletion(cancelled);
        awaitStatus(cancelled, "QUARANTINED");
        assertThat(admin.post("/accounts/" + cancelled + "/deletion/cancel", "{\"reason\":\"in error\"}").status())
                .isEqualTo(200);

        UUID quarantined = open(accounts, "quarantined", "STANDARD");
        requestDeletion(quarantined);
        awaitStatus(quarantined, "QUARANTINED");

        UUID awaitingApproval = open(accounts, "awaiting-approval", "ENTERPRISE");
        requestDeletion(awaitingApproval);
        UUID rejected = open(accounts, "rejected", "ENTERPRISE");
        requestDeletion(rejected);
        assertThat(approver.post("/accounts/" + rejected + "/deletion/reject", "{\"reason\":\"a customer\"}")
                           .status()).isEqualTo(200);
        UUID approved = open(accounts, "approved", "ENTERPRISE");
        requestDeletion(approved);
        assertThat(approver.post("/accounts/" + approved + "/deletion/approve", "").status()).isEqualTo(202);
        awaitStatus(approved, "QUARANTINED");

        UUID undoneBatch = open(accounts, "batch-undone", "STANDARD");
        UUID heldBatch = open(accounts, "batch-held", "STANDARD");
        ServiceInstances.awaitSummaries(jdbc, List.of(undoneBatch, heldBatch));
        String undone = executeBatch(undoneBatch);
        awaitStatus(undoneBatch, "QUARANTINED");
        assertThat(admin.post("/admin/deletion-batches/" + undone + "/cancel", "{\"reason\":\"wrong list\"}")
                        .status()).isEqualTo(200);
        executeBatch(heldBatch);
        awaitStatus(heldBatch, "QUARANTINED");

        // A request the saga has not quarantined yet: its processor is stopped for the rest of the test.
        service.getBean(EventProcessingConfiguration.class)
               .eventProcessor(PurgeSagaConfiguration.SAGA_PROCESSOR).orElseThrow().shutDown();
        UUID awaitingQuarantine = open(accounts, "awaiting-quarantine", "FREE");
        requestDeletion(awaitingQuarantine);

        Map<UUID, AccountState> aggregate = new LinkedHashMap<>();
        accounts.values().forEach(id -> aggregate.put(id, LoadedAccounts.stateOf(service, id)));
        assertThat(aggregate.get(changed).displayName()).isNotNull();
        assertThat(aggregate.get(changed).plan().name()).isEqualTo("STANDARD");
        assertThat(aggregate.get(changed).lastActivityAt()).isNotNull();
        assertThat(aggregate.get(purged).status()).isEqualTo(AccountStatus.PURGED);
        assertThat(aggregate.get(cancelled).status()).isEqualTo(AccountStatus.ACTIVE);
        assertThat(aggregate.get(cancelled).deletionRequested()).isFalse();
        assertThat(aggregate.get(awaitingApproval).approval()).isNotNull();
        assertThat(aggregate.get(rejected).approval()).isNull();
        assertThat(aggregate.get(approved).status()).isEqualTo(AccountStatus.QUARANTINED);
        assertThat(aggregate.get(undoneBatch).requestBatch()).isNull();
        assertThat(aggregate.get(heldBatch).requestBatch()).isNotNull();
        assertThat(aggregate.get(heldBatch).purgedBy(aggregate.get(heldBatch).requestBatch())).isFalse();
        assertThat(aggregate.get(heldBatch).inHoldFor(aggregate.get(heldBatch).requestBatch())).isTrue();
        assertThat(aggregate.get(awaitingQuarantine).awaitingQuarantine()).isTrue();

        AccountHistory history = service.getBean(AccountHistory.class);
        for (Map.Entry<UUID, AccountState> account : aggregate.entrySet()) {
            assertThat(history.currentState(account.getKey())).as("GET /accounts/{id} of %s", account.getKey())
                                                              .contains(account.getValue());
        }

        Map<UUID, AccountState> chunk = service.getBean(AccountStates.class).of(aggregate.keySet());
        for (Map.Entry<UUID, AccountState> account : aggregate.entrySet()) {
            assertThat(chunk.get(account.getKey()).lifecycle()).as("the batch check of %s", account.getKey())
                                                               .isEqualTo(account.getValue().lifecycle());
        }

        SagaRestore.Deletions deletions = new SagaRestore(service.getBean(EventTable.class), null, null, null,
                                                          Duration.ofDays(30)).scan();
        assertThat(deletions.purged()).as("purged, as the restore finds them").containsAll(
                ids(aggregate, state -> state.status() == AccountStatus.PURGED));
        assertThat(lifecycles(deletions.quarantined(), aggregate.keySet()))
                .as("quarantined, as the restore finds them")
                .containsExactlyInAnyOrderElementsOf(lifecycles(aggregate, s -> s.status() == AccountStatus.QUARANTINED));
        assertThat(lifecycles(deletions.awaitingQuarantine(), aggregate.keySet()))
                .as("awaiting quarantine, as the restore finds them")
                .containsExactlyInAnyOrderElementsOf(lifecycles(aggregate, AccountState::awaitingQuarantine));

        everyPublishedEnvelopeMatchesTheSchema(aggregate.keySet(), Set.of(undone, heldBatchId(aggregate, heldBatch)));
    }

    /**
     * What {@code account.events} carried of this history — every account event type and the batches' — is what the
     * published {@code account-event-envelope.schema.json} describes.
     */
    @SuppressWarnings("unchecked")
    private static void everyPublishedEnvelopeMatchesTheSchema(Set<UUID> accounts, Set<String> batches) {
        Set<String> aggregates = new HashSet<>(batches);
        accounts.forEach(id -> aggregates.add(id.toString()));
        long stored = jdbc.queryForObject("select count(*) from domain_event_entry where aggregate_identifier = any(?)",
                                          Long.class, (Object) aggregates.toArray(String[]::new));
        Schema schema;
        try (InputStream in = LifecycleFoldIT.class.getResourceAsStream("/schemas/account-event-envelope.schema.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try (TopicReader topic = new TopicReader(KafkaTopics.EVENTS)) {
            List<JsonNode>[] ours = new List[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ours[0] = topic.values(event -> aggregates.contains(event.path("aggregateId").asString()));
                return ours[0].stream().map(event -> event.get("eventId").asString()).distinct().count() == stored;
            });
            Set<String> types = new HashSet<>();
            for (JsonNode event : ours[0]) {
                types.add(event.get("type").asString());
                assertThat(schema.validate(event)).as("%s", event).isEmpty();
            }
            assertThat(types).as("the history covers every account event type").contains(
                    "AccountOpened", "AccountProfileUpdated", "AccountPlanChanged", "AccountActivityRecorded",
                    "AccountDeletionRequested", "AccountQuarantined", "AccountDeletionCancelled", "AccountPurged",
                    "AccountDeletionApprovalRequested", "AccountDeletionApproved", "AccountDeletionRejected",
                    "DeletionBatchCreated", "DeletionBatchRequestsSent", "DeletionBatchCancelled");
        }
    }

    private static String heldBatchId(Map<UUID, AccountState> states, UUID account) {
        return states.get(account).requestBatch().toString();
    }

    private static UUID open(Map<String, UUID> accounts, String name, String plan) {
        UUID id = UUID.randomUUID();
        assertThat(admin.post("/accounts", """
                {"accountId":"%s","email":"%s-%s@example.com","displayName":"%s","plan":"%s"}"""
                .formatted(id, name, id, name, plan)).status()).isEqualTo(201);
        assertThat(admin.post("/accounts/" + id + "/activity", "{\"lastActivityAt\":\"2025-03-01T00:00:00Z\"}")
                        .status()).isBetween(200, 204);
        accounts.put(name, id);
        return id;
    }

    private static void requestDeletion(UUID id) {
        assertThat(admin.post("/accounts/" + id + "/deletion", "{\"reason\":\"fold test\"}").status())
                .isEqualTo(202);
    }

    private static void awaitStatus(UUID id, String status) {
        await().atMost(Duration.ofSeconds(30))
               .until(() -> status.equals(admin.get("/accounts/" + id).json().get("status").asString()));
    }

    /** A one-account batch, executed from its preview; returns the batch id. */
    private static String executeBatch(UUID id) {
        String preview = admin.post("/admin/deletion-batches/preview", """
                {"accountIds":["%s"],"inactiveSince":"2026-01-01T00:00:00Z","plans":["STANDARD"]}"""
                .formatted(id)).json().get("previewToken").asString();
        HttpJson.Response created = admin.post("/admin/deletion-batches",
                                               "{\"previewToken\":\"" + preview + "\",\"reason\":\"clean-up\"}");
        assertThat(created.status()).isEqualTo(201);
        return created.json().get("batchId").asString();
    }

    private static List<UUID> ids(Map<UUID, AccountState> states, Predicate<AccountState> which) {
        return states.entrySet().stream().filter(e -> which.test(e.getValue())).map(Map.Entry::getKey).toList();
    }

    private static List<AccountState.Lifecycle> lifecycles(Map<UUID, AccountState> states,
                                                           Predicate<AccountState> which) {
        List<AccountState.Lifecycle> lifecycles = new ArrayList<>();
        states.values().stream().filter(which).forEach(state -> lifecycles.add(state.lifecycle()));
        assertThat(lifecycles).as("the history has such accounts").isNotEmpty();
        return lifecycles;
    }

    /** This test's accounts only: the database is this test's, but be exact about it. */
    private static List<AccountState.Lifecycle> lifecycles(List<AccountState> found, Set<UUID> ours) {
        return found.stream().filter(state -> ours.contains(state.accountId())).map(AccountState::lifecycle)
                    .collect(Collectors.toList());
    }
}
