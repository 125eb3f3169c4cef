package io.accountlifecycle.service.account;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.account.query.AccountHistory;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances on one database, each keeping the accounts it used in memory: a change made on the other instance is
 * never overlooked, so the state an instance kept never decides a command on its own.
 */
@RealPostgres(database = AccountCacheIT.DATABASE)
@RealKafka
class AccountCacheIT {

    static final String DATABASE = "accounts_cache";
    /** An as-of read of every event: a fold of the whole stream from the store, no snapshot, nothing in memory. */
    private static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");

    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void start() {
        a = ServiceInstances.start(DATABASE, "cache-it-a", "--account.kafka.intake.enabled=false",
                                   "--account.snapshots.threshold=3");
        b = ServiceInstances.start(DATABASE, "cache-it-b", "--account.kafka.intake.enabled=false",
                                   "--account.snapshots.threshold=3");
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext instance : new ConfigurableApplicationContext[]{a, b}) {
            if (instance != null) {
                instance.close();
            }
        }
    }

    @Test
    void aChangeOnAnotherInstanceIsNeverOverlooked() {
        HttpJson onA = ServiceInstances.http(a);
        HttpJson onB = ServiceInstances.http(b);
        UUID id = UUID.randomUUID();
        assertThat(onA.post("/accounts", openAccountJson(id, "cache@example.com", "Cache", "PREMIUM")).status())
                .isEqualTo(201);
        assertThat(onA.put("/accounts/" + id + "/plan", "{\"plan\":\"FREE\"}").status()).isEqualTo(204);
        assertThat(kept(a, id)).as("A keeps the account after its change").isEqualTo(1);

        assertThat(onB.put("/accounts/" + id + "/plan", "{\"plan\":\"STANDARD\"}").status()).isEqualTo(204);

        // A's kept state says FREE: trusted alone, A would answer "already on it" and store nothing.
        assertThat(onA.put("/accounts/" + id + "/plan", "{\"plan\":\"FREE\"}").status()).isEqualTo(204);
        assertThat(onB.get("/accounts/" + id).json().get("plan").asString()).isEqualTo("FREE");
        assertThat(planChanges(id)).containsExactly("FREE", "STANDARD", "FREE");
        assertThat(kept(a, id)).isEqualTo(3);
        AccountState everyEvent = a.getBean(AccountHistory.class).stateAsOf(id, FAR_FUTURE).orElseThrow();
        assertThat(LoadedAccounts.stateOf(a, id)).as("the state A keeps, as the store has it").isEqualTo(everyEvent);

        // And back on B, whose kept state (version 2) is now behind A's change.
        assertThat(onB.put("/accounts/" + id + "/plan", "{\"plan\":\"STANDARD\"}").status()).isEqualTo(204);
        assertThat(planChanges(id)).containsExactly("FREE", "STANDARD", "FREE", "STANDARD");
        assertThat(onA.get("/accounts/" + id).json().get("plan").asString()).isEqualTo("STANDARD");

        // A's loads start from memory and fold next to nothing, yet the account is still snapshotted every 3 events
        // of its stream (at 5 and 8); counting what each load folds, it never would be. Each snapshot is awaited
        // before the next change: Axon drops a request for an aggregate whose snapshot is still being taken, so one
        // asked for at 8 while the one for 5 is being written would be skipped (the next would come at 11).
        List<String> plans = List.of("PREMIUM", "FREE", "PREMIUM", "FREE", "PREMIUM");
        for (int i = 0; i < plans.size(); i++) {
            assertThat(onA.put("/accounts/" + id + "/plan", "{\"plan\":\"" + plans.get(i) + "\"}").status())
                    .isEqualTo(204);
            long sequence = 5 + i;
            if ((sequence + 1) % 3 == 0) {
                await().atMost(Duration.ofSeconds(20)).until(() -> latestSnapshot(id) >= sequence);
            }
        }
        assertThat(kept(a, id)).isEqualTo(9);
    }

    private static long latestSnapshot(UUID id) {
        return a.getBean(JdbcTemplate.class).queryForObject(
                "select coalesce(max(sequence_number), -1) from snapshot_event_entry where aggregate_identifier = ?",
                Long.class, id.toString());
    }

    private static long kept(ConfigurableApplicationContext instance, UUID id) {
        return instance.getBean(AccountRepository.class).keptVersion(id.toString());
    }

    /** The plan of each stored plan change of the account, in order. */
    private static List<String> planChanges(UUID id) {
        return a.getBean(JdbcTemplate.class).queryForList(
                "select convert_from(payload, 'UTF8')::jsonb ->> 'plan' from domain_event_entry "
                + "where aggregate_identifier = ? and payload_type like '%AccountPlanChangedEvent' "
                + "order by sequence_number", String.class, id.toString());
    }
}
