package io.accountlifecycle.service.kafka;

import io.accountlifecycle.api.Plan;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.personal.RecordAuthentication;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
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
                // Every record, on both topics a restore reads, carries a tag that verifies under the master key.
                RecordAuthentication tags = second.getBean(RecordAuthentication.class);
                assertTagged(tags, KafkaTopics.EVENTS, topic.poll().stream().filter(r -> ids.contains(r.key()))
                                                            .toList());
                try (TopicReader keys = new TopicReader(KafkaTopics.KEYS)) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> keys.poll().stream().map(ConsumerRecord::key)
                                                                           .collect(Collectors.toSet())
                                                                           .containsAll(ids));
                    assertTagged(tags, KafkaTopics.KEYS, keys.poll().stream().filter(r -> ids.contains(r.key()))
                                                             .toList());
                }
            } finally {
                second.close();
            }
        } finally {
            writer.shutdownNow();
        }
    }

    private static void assertTagged(RecordAuthentication tags, String topicName,
                                     List<ConsumerRecord<String, String>> records) {
        assertThat(records).as(topicName).isNotEmpty().allSatisfy(record -> assertThat(tags.verify(
                topicName, bytes(record.key()), bytes(record.value()), record.headers()).authentic())
                .as("%s:%d:%d", topicName, record.partition(), record.offset()).isTrue());
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Transaction A draws a global index and stays open; transaction B draws a higher one and commits only after
     * its event's timestamp is older than the gap timeout, so stock Axon, reading B, forgets A's hole; A commits
     * last. A's event must still be published.
     */
    @Test
    void anEventWhoseTransactionCommitsLongAfterItsTimestampIsStillPublished() throws Exception {
        try (ConfigurableApplicationContext context = start();
             TopicReader topic = new TopicReader(KafkaTopics.EVENTS)) {
            UUID late = UUID.randomUUID();
            UUID slowNeighbour = UUID.randomUUID();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            SlowOpen a = new SlowOpen(context, late, threads);
            try {
                a.awaitApplied();
                SlowOpen b = new SlowOpen(context, slowNeighbour, threads);
                b.awaitApplied();
                Instant heldSince = Instant.now();
                await().atMost(Duration.ofSeconds(30))
                       .until(() -> Instant.now().isAfter(heldSince.plusMillis(3 * GAP_TIMEOUT_MS)));

                b.commit();
                await().atMost(Duration.ofSeconds(30)).until(
                        () -> publishedSequences(topic, Set.of(slowNeighbour.toString())).size() == 1);
                a.commit();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(
                        () -> assertThat(publishedSequences(topic, Set.of(late.toString()))).containsKey(late.toString()));
                JsonNode event = topic.values(e -> e.get("aggregateId").asString().equals(late.toString())).get(0);
                assertThat(event.get("type").asString()).isEqualTo("AccountOpened");
                // Its own global index, below its neighbour's, not the token's highest index so far.
                JsonNode neighbour = topic.values(e -> e.get("aggregateId").asString()
                                                        .equals(slowNeighbour.toString())).get(0);
                Long stored = context.getBean(JdbcTemplate.class).queryForObject(
                        "select global_index from domain_event_entry where event_identifier = ?", Long.class,
                        event.get("eventId").asString());
                assertThat(event.get("globalIndex").asLong()).isEqualTo(stored)
                                                            .isLessThan(neighbour.get("globalIndex").asLong());
            } finally {
                a.release.countDown();
                threads.shutdownNow();
            }
        }
    }

    /** Opens an account in a transaction that stays open, its event inserted but not committed, until told. */
    private static final class SlowOpen {
        private final CountDownLatch applied = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final Future<?> done;

        SlowOpen(ConfigurableApplicationContext context, UUID accountId, ExecutorService threads) {
            AccountCommands commands = context.getBean(AccountCommands.class);
            TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            done = threads.submit(() -> transaction.executeWithoutResult(status -> {
                commands.open(accountId, "slow@example.com", "Slow", Plan.FREE, false,
                              Origin.of("test"));
                applied.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }

        void awaitApplied() throws InterruptedException {
            assertThat(applied.await(30, TimeUnit.SECONDS)).isTrue();
        }

        void commit() throws Exception {
            release.countDown();
            done.get(30, TimeUnit.SECONDS);
        }
    }
}
