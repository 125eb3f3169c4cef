package io.accountlifecycle.service.kafka;

import io.accountlifecycle.api.Plan;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static io.accountlifecycle.service.ServiceInstances.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The event store is the outbox: every stored event reaches account.events, in per-account order, never skipped. */
@RealPostgres(database = "accounts_publication")
@RealKafka
class EventPublicationIT {

    private static final long GAP_TIMEOUT_MS = 1000;

    private static ConfigurableApplicationContext start() {
        return ServiceInstances.start("accounts_publication", "publication-it",
                                      "--account.eventstore.gap-timeout=" + GAP_TIMEOUT_MS);
    }

    /** Per account: the sequence numbers in the order they appear on the topic (duplicates included). */
    private static Map<String, List<Long>> publishedSequences(TopicReader topic, Set<String> accounts) {
        return topic.poll().stream()
                    .map(r -> TopicReader.json(r.value()))
                    .filter(e -> accounts.contains(e.get("aggregateId").asString()))
                    .collect(Collectors.groupingBy(e -> e.get("aggregateId").asString(),
                                                   Collectors.mapping(e -> e.get("sequenceNumber").asLong(),
                                                                      Collectors.toList())));
    }

    @Test
    void everyStoredEventReachesTheTopicInPerAccountOrderAcrossARestart() throws Exception {
        List<UUID> accounts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            accounts.add(UUID.randomUUID());
        }
        Set<String> ids = accounts.stream().map(UUID::toString).collect(Collectors.toSet());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (TopicReader topic = new TopicReader(KafkaTopics.EVENTS)) {
            ConfigurableApplicationContext first = start();
            HttpJson http = http(first);
            Future<?> load = writer.submit(() -> {
                for (UUID id : accounts) {
                    http.post("/accounts", openAccountJson(id, "user@example.com", "User", "FREE"));
                    written.incrementAndGet();
                }
                Instant base = Instant.parse("2026-01-01T00:00:00Z");
                for (int round = 1; !stop.get() && round < 50; round++) {
                    for (UUID id : accounts) {
                        try {
                            http.post("/accounts/" + id + "/activity",
                                      "{\"lastActivityAt\":\"" + base.plusSeconds(round) + "\"}");
                            written.incrementAndGet();
                        } catch (RuntimeException stopped) {
                            return; // the service went away mid-stream, as intended
                        }
                    }
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> written.get() > 200);
            first.close(); // stopped mid-stream: commands in flight, publication behind
            stop.set(true);
            load.get(30, TimeUnit.SECONDS);

            ConfigurableApplicationContext second = start();
            try {
                JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    Map<String, List<Long>> published = publishedSequences(topic, ids);
                    for (UUID id : accounts) {
                        Integer stored = jdbc.queryForObject(
                                "select count(*) from domain_event_entry where aggregate_identifier = ?",
                                Integer.class, id.toString());
                        List<Long> sequences = published.getOrDefault(id.toString(), List.of());
                        assertThat(new LinkedHashSet<>(sequences)).as("account %s", id).hasSize(stored);
                    }
                });
                publishedSequences(topic, ids).forEach((id, sequences) -> {
                    List<Long> firstSeen = new ArrayList<>(new LinkedHashSet<>(sequences));
                    assertThat(firstSeen).as("per-account order of %s", id).isSorted();
                    assertThat(firstSeen.get(firstSeen.size() - 1)).isEqualTo(firstSeen.size() - 1);
                });
            } finally {
                second.close();
            }
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void anEventWhoseTransactionCommitsLongAfterItsTimestampIsStillPublished() throws Exception {
        try (ConfigurableApplicationContext context = start();
             TopicReader topic = new TopicReader(KafkaTopics.EVENTS)) {
            AccountCommands commands = context.getBean(AccountCommands.class);
            TransactionTemplate slow = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            UUID late = UUID.randomUUID();
            CountDownLatch applied = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                Future<?> slowTransaction = thread.submit(() -> slow.executeWithoutResult(status -> {
                    commands.open(late, "late@example.com", "Late", Plan.FREE, false,
                                  new AccountCommands.Origin("test", null));
                    applied.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS); // the event row is inserted, not yet committed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                assertThat(applied.await(30, TimeUnit.SECONDS)).isTrue();
                Instant heldSince = Instant.now();

                // Later events commit and are published past the hole the slow transaction's index leaves.
                HttpJson http = http(context);
                Set<String> after = new LinkedHashSet<>();
                for (int i = 0; i < 5; i++) {
                    UUID id = UUID.randomUUID();
                    http.post("/accounts", openAccountJson(id, "x@example.com", "X", "FREE"));
                    after.add(id.toString());
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> publishedSequences(topic, after).size() == 5);
                await().atMost(Duration.ofSeconds(30))
                       .until(() -> Instant.now().isAfter(heldSince.plusMillis(3 * GAP_TIMEOUT_MS)));

                release.countDown();
                slowTransaction.get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(
                        () -> assertThat(publishedSequences(topic, Set.of(late.toString()))).containsKey(late.toString()));
                JsonNode event = topic.values(e -> e.get("aggregateId").asString().equals(late.toString())).get(0);
                assertThat(event.get("type").asString()).isEqualTo("AccountOpened");
            } finally {
                release.countDown();
                thread.shutdownNow();
            }
        }
    }
}
