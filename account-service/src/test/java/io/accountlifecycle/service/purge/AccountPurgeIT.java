package io.accountlifecycle.service.purge;

import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.api.SealedValueOpener;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.TopicReader;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static io.accountlifecycle.service.ServiceInstances.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** DeletionRequested → Quarantined → Purged against a real PostgreSQL and Kafka, across a restart. */
@RealPostgres(database = "accounts_purge")
@RealKafka
class AccountPurgeIT {

    private static ConfigurableApplicationContext start(String hold) {
        return ServiceInstances.start("accounts_purge", "purge-it", "--account.purge.hold=" + hold);
    }

    private static String status(HttpJson http, UUID id) {
        return http.get("/accounts/" + id).json().path("status").asString();
    }

    @Test
    void aHoldThatEndsWhileTheServiceIsDownPurgesOnceOnTheNextStart() {
        UUID id = UUID.randomUUID();
        String email = "purge." + id + "@example.com";
        String name = "Purge Me " + id;
        Instant purgeDueAt;
        try (var first = start("PT4S"); TopicReader topic = new TopicReader(KafkaTopics.EVENTS)) {
            HttpJson http = http(first);
            assertThat(http.post("/accounts", openAccountJson(id, email, name, "PREMIUM")).status()).isEqualTo(201);
            assertThat(http.post("/accounts/" + id + "/deletion", "{\"reason\":\"customer asked\"}").status())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> status(http, id).equals("QUARANTINED"));
            JsonNode quarantined = http.get("/accounts/" + id).json();
            purgeDueAt = Instant.parse(quarantined.get("purgeDueAt").asString());
            assertThat(quarantined.get("email").asString()).isEqualTo(email);
            assertThat(http.put("/accounts/" + id + "/plan", "{\"plan\":\"FREE\"}").json().get("purgeDueAt").asString())
                    .isEqualTo(quarantined.get("purgeDueAt").asString());

            // Before the purge: personal data only as ciphertext, in the table and on the topic.
            assertNoPlaintext(first.getBean(JdbcTemplate.class), topic, id, email, name);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(purgeDueAt.plusSeconds(1)));

        try (var second = start("PT4S"); TopicReader topic = new TopicReader(KafkaTopics.EVENTS)) {
            HttpJson http = http(second);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(http, id).equals("PURGED"));
            JsonNode purged = http.get("/accounts/" + id).json();
            assertThat(purged.get("email").isNull()).isTrue();
            assertThat(purged.get("displayName").isNull()).isTrue();

            JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("select count(*) from domain_event_entry where aggregate_identifier = ? "
                                           + "and payload_type = ?", Integer.class, id.toString(),
                                           "io.accountlifecycle.api.AccountPurgedEvent"))
                    .as("purged exactly once").isEqualTo(1);
            assertThat(jdbc.queryForObject("select count(*) from account_data_key where key_id = ?", Integer.class,
                                           id.toString())).as("the data key is destroyed").isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                    "select count(*) from projection.pending_purge where account_id = ?", Integer.class, id) == 0);
            assertThat(http.post("/accounts/" + id + "/deletion/cancel", "{\"reason\":\"too late\"}").status())
                    .isEqualTo(410);

            // After the purge: the events stay, and nothing they or the topic carry can be opened any more.
            await().atMost(Duration.ofSeconds(20)).until(() -> topic.values(
                    e -> e.get("aggregateId").asString().equals(id.toString())
                         && e.get("type").asString().equals("AccountPurged")).size() == 1);
            assertNoPlaintext(jdbc, topic, id, email, name);
            SealedValueOpener opener = second.getBean(SealedValueOpener.class);
            JsonNode opened = topic.values(e -> e.get("aggregateId").asString().equals(id.toString())
                                                && e.get("type").asString().equals("AccountOpened")).get(0);
            SealedValue sealedEmail = new SealedValue(opened.at("/payload/email/keyId").asString(),
                                                      opened.at("/payload/email/ciphertext").asString());
            assertThat(opener.open(sealedEmail)).isEmpty();
            List<String> types = http.get("/accounts/" + id + "/events").json().get("items").valueStream()
                                     .map(e -> e.get("type").asString()).toList();
            assertThat(types).containsExactly("AccountOpened", "AccountDeletionRequested", "AccountQuarantined",
                                              "AccountPurged");
        }
    }

    @Test
    void cancellingWithinTheHoldGivesBackTheActiveAccountWithEveryFieldAndItsHistory() {
        UUID id = UUID.randomUUID();
        try (var service = start("PT1H")) {
            HttpJson http = http(service);
            http.post("/accounts", openAccountJson(id, "keep@example.com", "Keep Me", "PREMIUM"));
            http.post("/accounts/" + id + "/deletion", "{\"reason\":\"cleanup\"}");
            await().atMost(Duration.ofSeconds(20)).until(() -> status(http, id).equals("QUARANTINED"));
            await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/admin/purges/pending").json().get("items")
                                                                   .valueStream().anyMatch(p -> p.get("accountId")
                                                                           .asString().equals(id.toString())));

            HttpJson.Response cancelled = http.post("/accounts/" + id + "/deletion/cancel",
                                                    "{\"reason\":\"requested in error\"}");
            assertThat(cancelled.status()).isEqualTo(200);
            JsonNode state = cancelled.json();
            assertThat(state.get("status").asString()).isEqualTo("ACTIVE");
            assertThat(state.get("email").asString()).isEqualTo("keep@example.com");
            assertThat(state.get("displayName").asString()).isEqualTo("Keep Me");
            assertThat(state.get("plan").asString()).isEqualTo("PREMIUM");
            assertThat(http.put("/accounts/" + id + "/plan", "{\"plan\":\"STANDARD\"}").status()).isEqualTo(204);
            List<String> types = http.get("/accounts/" + id + "/events").json().get("items").valueStream()
                                     .map(e -> e.get("type").asString()).toList();
            assertThat(types).containsExactly("AccountOpened", "AccountDeletionRequested", "AccountQuarantined", "AccountDeletionCancelled",
                                              "AccountPlanChanged");
            await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/admin/purges/pending").json().get("items")
                                                                   .valueStream().noneMatch(p -> p.get("accountId")
                                                                           .asString().equals(id.toString())));
            assertThat(http.post("/accounts/" + id + "/deletion/cancel", "{\"reason\":\"again\"}").status())
                    .isEqualTo(409);
        }
    }

    @Test
    void aPausedHoldIsDeferredNotLostAndPurgesAfterResume() {
        UUID id = UUID.randomUUID();
        try (var service = start("PT2S")) {
            HttpJson http = http(service);
            assertThat(http.post("/admin/purges/pause", "{\"reason\":\"incident\"}").json().get("paused").asBoolean())
                    .isTrue();
            try {
                http.post("/accounts", openAccountJson(id, "paused@example.com", "Paused", "FREE"));
                http.post("/accounts/" + id + "/deletion", "{\"reason\":\"cleanup\"}");
                await().atMost(Duration.ofSeconds(20)).until(() -> status(http, id).equals("QUARANTINED"));
                Instant due = Instant.parse(http.get("/accounts/" + id).json().get("purgeDueAt").asString());
                await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().isAfter(due.plusSeconds(3)));
                assertThat(status(http, id)).as("deferred while paused").isEqualTo("QUARANTINED");
            } finally {
                http.post("/admin/purges/resume", "{\"reason\":\"all clear\"}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> status(http, id).equals("PURGED"));
        }
    }

    private static void assertNoPlaintext(JdbcTemplate jdbc, TopicReader topic, UUID id, String email, String name) {
        List<byte[]> rows = jdbc.queryForList(
                "select payload || coalesce(meta_data, ''::bytea) from domain_event_entry where aggregate_identifier = ?",
                byte[].class, id.toString());
        assertThat(rows).isNotEmpty();
        for (byte[] row : rows) {
            String raw = new String(row, StandardCharsets.UTF_8);
            assertThat(raw).doesNotContain(email).doesNotContain(name);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> topic.poll().stream()
                                                              .anyMatch(r -> id.toString().equals(r.key())));
        topic.poll().stream().filter(r -> id.toString().equals(r.key()))
             .forEach(r -> assertThat(r.value()).doesNotContain(email).doesNotContain(name));
    }
}
