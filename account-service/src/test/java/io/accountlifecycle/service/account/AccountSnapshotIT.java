package io.accountlifecycle.service.account;

import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.api.SealedValueOpener;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.account.query.AccountHistory;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Accounts with more events than the snapshot threshold (5 here) load from their snapshots: the aggregate and
 * {@code GET /accounts/{id}} then hold exactly the state a fold of every event gives, commands go on succeeding, a
 * snapshot of another revision is passed over, and a purged account's state, loaded or in its snapshot, holds no sealed
 * value.
 */
@RealPostgres(database = AccountSnapshotIT.DATABASE)
@RealKafka
class AccountSnapshotIT {

    static final String DATABASE = "accounts_snapshot";

    private static ConfigurableApplicationContext service;
    private static HttpJson http;
    private static JdbcTemplate jdbc;
    private static EventStore eventStore;
    private static AccountHistory history;
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void start() {
        // No accounts kept in memory: every load goes through the snapshot (AccountCacheIT has both).
        service = ServiceInstances.start(DATABASE, "snapshot-it", "--account.snapshots.threshold=5",
                                         "--account.cache.accounts=0", "--account.purge.hold=PT2S",
                                         "--account.kafka.intake.enabled=false");
        http = ServiceInstances.http(service);
        jdbc = service.getBean(JdbcTemplate.class);
        eventStore = service.getBean(EventStore.class);
        history = service.getBean(AccountHistory.class);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aLongHistoryLoadsFromItsSnapshotAsFromEveryEvent() {
        String email = "long." + UUID.randomUUID() + "@example.com";
        UUID id = open(email, "FREE");
        assertThat(http.patch("/accounts/" + id + "/profile", "{\"displayName\":\"Renamed\"}").status()).isEqualTo(204);
        for (int i = 1; i <= 4; i++) {
            changePlan(id, i % 2 == 0 ? "FREE" : "STANDARD");
            recordActivity(id, i);
        }
        awaitSnapshot(id);

        assertThat(eventStore.readEvents(id.toString()).peek().getPayload())
                .as("a load starts from the snapshot").isInstanceOf(Account.class);
        assertLoadsAsEveryEventFolds(id);

        // Commands still succeed on top of the snapshot, and the next loads take them in.
        changePlan(id, "PREMIUM");
        recordActivity(id, 5);
        assertThat(http.get("/accounts/" + id).json().get("plan").asString()).isEqualTo("PREMIUM");
        assertLoadsAsEveryEventFolds(id);
        assertThat(http.get("/accounts/" + id).json().get("email").asString()).isEqualTo(email);
        assertThat(http.get("/accounts/" + id).json().get("version").asLong()).isEqualTo(11);

        // Personal fields are in the snapshot as the events have them: sealed.
        for (String snapshot : snapshots(id)) {
            assertThat(snapshot).doesNotContain(email).doesNotContain("Renamed").contains("ciphertext");
        }
    }

    /**
     * A history stored without snapshots (restored from account.events, filled in SQL) is snapshotted by the first
     * read of its current state that folds more than the threshold, as by a command; the next read starts there.
     */
    @Test
    void aLongReadWithoutASnapshotTakesOne() {
        UUID id = open("read." + UUID.randomUUID() + "@example.com", "STANDARD");
        for (int i = 1; i <= 6; i++) {
            recordActivity(id, i);
        }
        awaitSnapshot(id);
        jdbc.update("delete from snapshot_event_entry where aggregate_identifier = ?", id.toString());
        assertThat(eventStore.readEvents(id.toString()).peek().getPayload()).isNotInstanceOf(Account.class);

        assertThat(http.get("/accounts/" + id).status()).isEqualTo(200);

        awaitSnapshot(id);
        assertThat(eventStore.readEvents(id.toString()).peek().getPayload())
                .as("the next load starts from the snapshot the read asked for").isInstanceOf(Account.class);
        assertLoadsAsEveryEventFolds(id);
    }

    @Test
    void aSnapshotOfAnotherRevisionIsPassedOver() {
        UUID id = open("revision." + UUID.randomUUID() + "@example.com", "STANDARD");
        for (int i = 1; i <= 6; i++) {
            recordActivity(id, i);
        }
        awaitSnapshot(id);
        long last = eventStore.lastSequenceNumberFor(id.toString()).orElseThrow();

        forgeSnapshot(id, last, "2");
        assertThat(history.currentState(id).orElseThrow().plan().name())
                .as("a snapshot of this revision is trusted").isEqualTo("ENTERPRISE");
        forgeSnapshot(id, last, "1");
        assertThat(history.currentState(id).orElseThrow().plan().name())
                .as("a snapshot of another revision is not").isEqualTo("STANDARD");
        assertThat(LoadedAccounts.stateOf(service, id).plan().name()).isEqualTo("STANDARD");
        jdbc.update("delete from snapshot_event_entry where aggregate_identifier = ? and sequence_number = ?",
                    id.toString(), last);
    }

    @Test
    void aPurgedAccountsStateHoldsNoSealedValueAndItsIdIsNeverReused() {
        String email = "purged." + UUID.randomUUID() + "@example.com";
        UUID id = open(email, "FREE");
        for (int i = 1; i <= 6; i++) {
            recordActivity(id, i);
        }
        awaitSnapshot(id);
        assertThat(http.post("/accounts/" + id + "/deletion", "{\"reason\":\"snapshot test\"}").status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
               .until(() -> "PURGED".equals(http.get("/accounts/" + id).json().get("status").asString()));

        assertThat(http.get("/accounts/" + id).json().get("email").isNull()).isTrue();
        // The purge is the account's tenth event: the trigger snapshots it there, and loads start from that snapshot.
        long purgedAt = jdbc.queryForObject("select sequence_number from domain_event_entry where "
                                            + "aggregate_identifier = ? and payload_type like '%AccountPurgedEvent'",
                                            Long.class, id.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> snapshotsBySequence(id).keySet().stream()
                                                                                  .anyMatch(s -> s >= purgedAt));
        assertLoadsAsEveryEventFolds(id);
        // Whatever the key's fate, the purged state itself holds no sealed value: loaded, read, and in its snapshot.
        assertThat(sealedValues(LoadedAccounts.stateOf(service, id))).as("sealed values of the loaded aggregate")
                                                                     .isEmpty();
        assertThat(sealedValues(history.currentState(id).orElseThrow())).as("sealed values of the current state")
                                                                        .isEmpty();
        SealedValueOpener opener = service.getBean(SealedValueOpener.class);
        for (Map.Entry<Long, String> snapshot : snapshotsBySequence(id).entrySet()) {
            assertThat(snapshot.getValue()).doesNotContain(email);
            JsonNode state = json.readTree(snapshot.getValue()).path("state");
            assertThat(state.isObject()).as("the snapshot holds the state").isTrue();
            if (snapshot.getKey() >= purgedAt) {
                assertThat(snapshot.getValue()).as("the snapshot at %d, of the purged state", snapshot.getKey())
                                               .doesNotContain("ciphertext");
                continue;
            }
            // One taken before the purge, if the store still keeps it: what it seals no longer opens.
            JsonNode sealed = state.path("email");
            if (!sealed.isNull() && !sealed.isMissingNode()) {
                assertThat(opener.open(new SealedValue(sealed.get("keyId").asString(),
                                                       sealed.get("ciphertext").asString())))
                        .as("a sealed value in a snapshot from before the purge").isEmpty();
            }
        }

        HttpJson.Response again = http.post("/accounts", openAccountJson(id, "again@example.com", "Again", "FREE"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asString())
                .isEqualTo("Account " + id + " already exists; account ids are never reused: choose a new one.");
        assertThat(http.post("/accounts/" + id + "/deletion/cancel", "{\"reason\":\"too late\"}").status())
                .isEqualTo(410);
    }

    /** The aggregate (from its snapshot) and the current-state read agree with a fold of every event. */
    private static void assertLoadsAsEveryEventFolds(UUID id) {
        AccountState everyEvent = AccountState.NONE;
        DomainEventStream events = eventStore.readEvents(id.toString(), 0);
        while (events.hasNext()) {
            DomainEventMessage<?> event = events.next();
            everyEvent = everyEvent.after(event);
        }
        assertThat(LoadedAccounts.stateOf(service, id)).as("the aggregate").isEqualTo(everyEvent);
        assertThat(history.currentState(id)).as("GET /accounts/{id}").contains(everyEvent);
    }

    private static UUID open(String email, String plan) {
        UUID id = UUID.randomUUID();
        assertThat(http.post("/accounts", openAccountJson(id, email, "Snap Shot", plan)).status()).isEqualTo(201);
        return id;
    }

    private static void changePlan(UUID id, String plan) {
        assertThat(http.put("/accounts/" + id + "/plan", "{\"plan\":\"" + plan + "\"}").status()).isEqualTo(204);
    }

    private static void recordActivity(UUID id, int day) {
        assertThat(http.post("/accounts/" + id + "/activity",
                             "{\"lastActivityAt\":\"2026-03-%02dT08:00:00Z\"}".formatted(day)).status()).isEqualTo(204);
    }

    private static void awaitSnapshot(UUID id) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !snapshots(id).isEmpty());
    }

    /** Every value of {@code state} that is sealed personal data (email, display name, any added later). */
    private static List<SealedValue> sealedValues(AccountState state) {
        List<java.lang.reflect.RecordComponent> sealed = Arrays.stream(AccountState.class.getRecordComponents())
                                                               .filter(c -> c.getType() == SealedValue.class).toList();
        assertThat(sealed).as("AccountState's sealed fields").isNotEmpty();
        return sealed.stream().map(component -> {
            try {
                return (SealedValue) component.getAccessor().invoke(state);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }).filter(Objects::nonNull).toList();
    }

    /** The account's snapshots by the sequence number of the event each was taken at. */
    private static Map<Long, String> snapshotsBySequence(UUID id) {
        Map<Long, String> snapshots = new TreeMap<>();
        jdbc.query("select sequence_number, payload from snapshot_event_entry where aggregate_identifier = ?",
                   row -> {
                       snapshots.put(row.getLong(1), new String(row.getBytes(2), StandardCharsets.UTF_8));
                   }, id.toString());
        return snapshots;
    }

    private static List<String> snapshots(UUID id) {
        return jdbc.queryForList("select payload from snapshot_event_entry where aggregate_identifier = ?",
                                 byte[].class, id.toString())
                   .stream().map(payload -> new String(payload, StandardCharsets.UTF_8)).toList();
    }

    /** The latest snapshot again at {@code sequence}, of {@code revision}, on the plan ENTERPRISE. */
    private static void forgeSnapshot(UUID id, long sequence, String revision) {
        Map<String, Object> real = jdbc.queryForMap(
                "select * from snapshot_event_entry where aggregate_identifier = ? and payload_revision = '2' "
                + "order by sequence_number desc limit 1", id.toString());
        byte[] payload = new String((byte[]) real.get("payload"), StandardCharsets.UTF_8)
                .replaceAll("\"plan\":\"\\w+\"", "\"plan\":\"ENTERPRISE\"").getBytes(StandardCharsets.UTF_8);
        jdbc.update("""
                    insert into snapshot_event_entry (aggregate_identifier, sequence_number, type, event_identifier,
                                                      time_stamp, payload_type, payload_revision, payload, meta_data)
                    values (?, ?, ?, ?, now(), ?, ?, ?, ?)
                    on conflict (aggregate_identifier, sequence_number)
                    do update set payload_revision = excluded.payload_revision, payload = excluded.payload""",
                    id.toString(), sequence, real.get("type"), UUID.randomUUID().toString(), real.get("payload_type"),
                    revision, payload, real.get("meta_data"));
    }

}
