package io.accountlifecycle.service.scaleout;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.ServiceProcess;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.TopicReader;
import io.accountlifecycle.service.recovery.VerifyReport;
import io.accountlifecycle.service.security.LocalTokens;
import io.accountlifecycle.service.security.TokenSettings;
import io.accountlifecycle.testsupport.RealInfrastructureContextCustomizerFactory;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the service's jar, each in its own JVM, on one PostgreSQL and one broker, every role on both. A
 * stream of commands over HTTP and Kafka goes to both; one is killed ({@code SIGKILL}) mid-stream. Afterwards every
 * command has had exactly one effect, every stored event is on {@code account.events} in per-account order (an
 * event published twice only where the killed instance's last batch was re-published by the survivor), the
 * projections equal a replay of the events, and every purge whose hold ended during the test happened once, its
 * deadline fired once — also those scheduled by the killed instance.
 *
 * <p>To see it fail: {@code -DmultiInstance.claimTimeout=100ms} lets each instance take segments the other still
 * works on, so segments are processed twice: events are published twice while both live and deadlines are
 * scheduled twice.
 */
@RealPostgres(database = MultiInstanceIT.DATABASE)
@RealKafka
class MultiInstanceIT {

    static final String DATABASE = "accounts_multi";
    private static final String GROUP = "multi-it";
    private static final Duration HOLD = Duration.ofSeconds(30);
    /** Consumers of account.commands per instance. */
    private static final int INTAKE_CONSUMERS = 2;
    /** How long before its death the killed instance may have sent a batch it never committed. */
    private static final Duration IN_FLIGHT = Duration.ofSeconds(5);
    private static final Pattern HOLD_ENDED = Pattern.compile("Hold of account ([0-9a-f-]{36}) ended");
    private static final Pattern SCHEDULED = Pattern.compile("Purge of account ([0-9a-f-]{36}) scheduled for");

    private final Path directory = Path.of("target", "multi-it").toAbsolutePath();
    private final List<ServiceProcess> instances = new ArrayList<>();
    private final JdbcTemplate jdbc = ServiceInstances.owner(DATABASE);
    private final Map<UUID, List<String>> kafkaCommandsByAccount = new ConcurrentHashMap<>();
    /** Signed with the instances' key, which no other test's service shares: only they act on these commands. */
    private String token;

    @AfterEach
    void stopInstances() {
        // Nothing is checked after the test: a graceful stop only waited out Tomcat, the consumers and the listener.
        instances.forEach(ServiceProcess::kill);
    }

    private List<String> arguments(String name) {
        Map<String, Object> properties = new LinkedHashMap<>(
                RealInfrastructureContextCustomizerFactory.datasourceProperties(DATABASE, "account_owner"));
        properties.putAll(RealInfrastructureContextCustomizerFactory.kafkaProperties());
        properties.put("spring.kafka.consumer.group-id", GROUP);
        // Several segments per processor, as the Kubernetes ConfigMap sets for replicas.
        properties.put("spring.profiles.active", "scale-out");
        properties.put("account.kafka.intake.concurrency", INTAKE_CONSUMERS);
        properties.put("account.data-dir", directory.resolve(name));
        properties.put("account.crypto.master-key-file", directory.resolve("keys/master-key.json"));
        properties.put("account.crypto.generate-master-key", "true");
        properties.put("account.security.signing-key-file", directory.resolve("keys/token-signing-key.json"));
        properties.put("account.purge-certificate.key-file", directory.resolve("keys/purge-certificate-key.json"));
        properties.put("account.purge-certificate.generate-key", "true");
        properties.put("account.purge.hold", HOLD.toString());
        properties.put("axon.eventhandling.tokenstore.claim-timeout",
                       System.getProperty("multiInstance.claimTimeout", "5s"));
        properties.put("account.kafka.producer-close-timeout", "PT1S");
        properties.put("logging.level.org.axonframework", "WARN");
        return List.of(RealInfrastructureContextCustomizerFactory.asArguments(properties));
    }

    @Test
    void theInstancesShareTheWorkAndTheSurvivorOfAKillFinishesItExactlyOnce() throws Exception {
        FileSystemUtils.deleteRecursively(directory);
        startCommandsFromTheTopicsEnd();
        token = LocalTokens.loadOrCreate(directory.resolve("keys/token-signing-key.json"), TokenSettings.DEFAULT_ISSUER)
                           .mint("scale-out-test", TestTokens.ALL_SCOPES, Duration.ofMinutes(30));
        Instant starting = Instant.now();
        ServiceProcess a = start("instance-a");
        ServiceProcess b = start("instance-b");
        System.out.printf("[scale-out] two instances ready in %d ms%n",
                          Duration.between(starting, Instant.now()).toMillis());
        HttpJson httpA = a.http(token);
        HttpJson httpB = b.http(token);

        // Segments are split: each multi-segment processor has segments on both instances. Before the balancer
        // claimed released segments itself, one was twice still unclaimed after a minute (Axon's claim scan backs
        // off up to 60 s from a segment whose work failed); two minutes allow for two cores busy starting two JVMs.
        System.out.printf("[scale-out] segments of every processor on both instances after %d ms%n",
                          awaitBalanced(a, b, Duration.ofSeconds(120)).toMillis());

        // A replay asked of one instance takes the projection's segments from the other while it runs (a reset
        // of every token fails while another instance holds one), and gives them back after.
        assertThat(httpA.post("/admin/projections/account-summary/replay", "{}").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> !httpA.get("/admin/projections/account-summary").json()
                                                                 .get("replaying").asBoolean());
        System.out.printf("[scale-out] after the replay, segments on both instances again after %d ms%n",
                          awaitBalanced(a, b, Duration.ofSeconds(60)).toMillis());

        // Phase 1, both alive: accounts opened over HTTP on both and over Kafka; deletions requested; and the same
        // account changed on both instances at the same moment.
        List<UUID> httpAccounts = ids(120);
        List<UUID> kafkaAccounts = ids(120);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (KafkaProducer<String, String> kafka = producer()) {
            List<Future<?>> opens = new ArrayList<>();
            for (int i = 0; i < httpAccounts.size(); i++) {
                HttpJson http = i % 2 == 0 ? httpA : httpB;
                UUID id = httpAccounts.get(i);
                opens.add(pool.submit(() -> assertThat(http.post("/accounts", HttpJson.openAccountJson(
                        id, "h-" + id + "@example.com", "Http Opened", "STANDARD")).status()).isEqualTo(201)));
            }
            for (UUID id : kafkaAccounts) {
                sendCommand(kafka, id, "OpenAccount", """
                        {"email":"k-%s@example.com","displayName":"Kafka Opened","plan":"PREMIUM"}""".formatted(id));
            }
            for (Future<?> open : opens) {
                open.get();
            }
            List<UUID> deleted = new ArrayList<>();
            for (int i = 0; i < httpAccounts.size(); i += 8) {
                UUID id = httpAccounts.get(i);
                assertThat((i % 16 == 0 ? httpA : httpB).post("/accounts/" + id + "/deletion",
                                                              "{\"reason\":\"scale-out test\"}").status())
                        .isEqualTo(202);
                deleted.add(id);
            }
            Map<UUID, Integer> raceSuccesses = raceProfileUpdates(httpA, httpB,
                                                                   httpAccounts.subList(1, 8), pool);

            // Phase 2: a stream over Kafka and HTTP; instance A is killed in the middle of it.
            Future<?> kafkaStream = pool.submit(() -> {
                for (int round = 1; round <= 4; round++) {
                    for (UUID id : kafkaAccounts) {
                        sendCommand(kafka, id, "UpdateAccountProfile",
                                    "{\"displayName\":\"Round " + id.toString().substring(0, 4) + " " + round
                                    + "\"}");
                        pause(Duration.ofMillis(20));
                    }
                }
            });
            List<UUID> lateAccounts = ids(60);
            AtomicInteger retriedOnSurvivor = new AtomicInteger();
            Future<?> httpStream = pool.submit(() -> {
                for (int i = 0; i < lateAccounts.size(); i++) {
                    UUID id = lateAccounts.get(i);
                    String body = HttpJson.openAccountJson(id, "l-" + id + "@example.com", "Late", "FREE");
                    int status;
                    try {
                        status = (i % 2 == 0 ? httpA : httpB).post("/accounts", body).status();
                    } catch (IllegalStateException instanceGone) {
                        // The response was lost with the instance: the client sends it again to the other.
                        retriedOnSurvivor.incrementAndGet();
                        status = httpB.post("/accounts", body).status();
                    }
                    assertThat(status).as("open of %s", id).isIn(201, 409);
                    pause(Duration.ofMillis(150));
                }
            });
            // Killed once the stream is well under way: the opens and a quarter of its 480 updates handled.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                   .until(() -> jdbc.queryForObject("select count(*) from processed_command", Long.class)
                                >= kafkaAccounts.size() + 120);
            Instant killedAt = Instant.now();
            a.kill();
            String survivorOwner = b.pid() + "@";
            Duration segmentsTakenOver = awaitFor(() -> segmentsNotOwnedBy(survivorOwner) == 0);
            Duration partitionsTakenOver = awaitFor(() -> onlyTheSurvivorHoldsEveryPartition());
            System.out.printf("[scale-out] after SIGKILL: every segment on the survivor after %d ms (claim timeout "
                              + "%s), every command partition after %d ms%n", segmentsTakenOver.toMillis(),
                              System.getProperty("multiInstance.claimTimeout", "5s"),
                              partitionsTakenOver.toMillis());
            kafkaStream.get();
            httpStream.get();
            System.out.printf("[scale-out] HTTP opens retried on the survivor: %d%n", retriedOnSurvivor.get());

            // Every Kafka command had exactly one outcome and one effect.
            Set<String> commandIds = kafkaCommandsByAccount.values().stream().flatMap(List::stream)
                                                           .collect(Collectors.toSet());
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                    jdbc.queryForObject("select count(*) from processed_command where command_id::text = any(?)",
                                        Long.class, (Object) commandIds.toArray(String[]::new)))
                    .isEqualTo(commandIds.size()));
            assertThat(jdbc.queryForList("select distinct status from processed_command", String.class))
                    .containsExactly("ACCEPTED");
            Map<UUID, Map<String, Long>> events = eventCountsByAccount();
            for (UUID id : kafkaAccounts) {
                assertThat(events.get(id)).as("events of %s", id)
                                          .isEqualTo(Map.of("AccountOpenedEvent", 1L,
                                                            "AccountProfileUpdatedEvent", 4L));
            }
            for (UUID id : lateAccounts) {
                assertThat(events.get(id)).as("events of %s", id).isEqualTo(Map.of("AccountOpenedEvent", 1L));
            }
            // Concurrent changes of one account on two instances: each accepted change is one event, none lost.
            raceSuccesses.forEach((id, accepted) -> assertThat(
                    events.get(id).getOrDefault("AccountProfileUpdatedEvent", 0L)).as("updates of %s", id)
                                                                                  .isEqualTo(accepted.longValue()));
            assertThat(jdbc.queryForObject("""
                    select count(*) from (select aggregate_identifier from domain_event_entry
                                          group by aggregate_identifier
                                          having max(sequence_number) + 1 <> count(*)) gaps""", Long.class))
                    .as("accounts whose event sequence has a gap").isZero();

            // Every purge whose hold ended happened once; every deadline fired once, those scheduled by A on B.
            await().atMost(HOLD.plusSeconds(90)).untilAsserted(() -> assertThat(
                    jdbc.queryForObject("select count(*) from domain_event_entry where payload_type = "
                                        + "'io.accountlifecycle.api.AccountPurgedEvent'", Long.class))
                    .isEqualTo(deleted.size()));
            Map<String, Long> firings = matches(HOLD_ENDED, a.log() + b.log());
            assertThat(firings).as("purge deadlines fired, by account")
                               .isEqualTo(deleted.stream().collect(Collectors.toMap(UUID::toString, id -> 1L)));
            Set<String> scheduledByA = matches(SCHEDULED, a.log()).keySet();
            assertThat(matches(HOLD_ENDED, b.log()).keySet()).as("deadlines scheduled by the killed instance, "
                                                                  + "fired by the survivor")
                                                              .containsAll(scheduledByA);
            System.out.printf("[scale-out] purges: %d, deadlines scheduled by the killed instance: %d%n",
                              deleted.size(), scheduledByA.size());

            // Every stored event is on the topic, in per-account order; duplicates only from the killed
            // instance's last batches, re-published after the kill.
            HttpJson survivor = httpB;
            awaitCaughtUp(survivor);
            List<UUID> all = new ArrayList<>(httpAccounts);
            all.addAll(kafkaAccounts);
            all.addAll(lateAccounts);
            assertPublishedOnceInOrder(all, killedAt);

            // The projections, built by two instances and then one, equal a replay of the events.
            List<String> live = projectionChecksums();
            // Each projection has a processor and tables of its own: the replays run side by side, awaited once.
            for (String projection : List.of("account-summary", "account-timeline", "audit-log", "daily-stats",
                                             "deletion-batches")) {
                assertThat(survivor.post("/admin/projections/" + projection + "/replay", "{}").status())
                        .isEqualTo(202);
            }
            awaitCaughtUp(survivor);
            assertThat(projectionChecksums()).isEqualTo(live);
        } finally {
            pool.shutdownNow();
        }
    }

    private ServiceProcess start(String name) {
        ServiceProcess instance = ServiceProcess.start(name, directory, arguments(name), Duration.ofSeconds(120));
        instances.add(instance);
        return instance;
    }

    private static List<UUID> ids(int count) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(UUID.randomUUID());
        }
        return ids;
    }

    /** The group starts where the topic ends now: the commands other tests sent to the shared broker are theirs. */
    private static void startCommandsFromTheTopicsEnd() {
        TopicReader.startGroupAtEnd(GROUP, KafkaTopics.COMMANDS);
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", TestInfrastructure.kafka().bootstrapServers(),
                                          "acks", "all"), new StringSerializer(), new StringSerializer());
    }

    private void sendCommand(KafkaProducer<String, String> kafka, UUID accountId, String type, String payload) {
        UUID commandId = UUID.randomUUID();
        kafkaCommandsByAccount.computeIfAbsent(accountId, id -> new ArrayList<>()).add(commandId.toString());
        String json = """
                {"commandId":"%s","type":"%s","accountId":"%s","issuedBy":"scale-out-test","payload":%s}"""
                .formatted(commandId, type, accountId, payload);
        ProducerRecord<String, String> record = new ProducerRecord<>(KafkaTopics.COMMANDS, accountId.toString(), json);
        record.headers().add("authorization", ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
        try {
            kafka.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same accounts changed through both instances at once; by account, how many changes were accepted. */
    private static Map<UUID, Integer> raceProfileUpdates(HttpJson a, HttpJson b, List<UUID> accounts,
                                                         ExecutorService pool) throws Exception {
        Map<UUID, Integer> accepted = new HashMap<>();
        int conflicts = 0;
        for (UUID id : accounts) {
            for (int round = 0; round < 5; round++) {
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Integer>> both = new ArrayList<>();
                for (HttpJson http : List.of(a, b)) {
                    String name = "Race " + round + (http == a ? " A" : " B");
                    both.add(pool.submit(() -> {
                        together.await();
                        return http.patch("/accounts/" + id + "/profile", "{\"displayName\":\"" + name + "\"}")
                                   .status();
                    }));
                }
                for (Future<Integer> response : both) {
                    int status = response.get();
                    assertThat(status).as("a concurrent change is accepted or refused as a conflict")
                                      .isIn(204, 409);
                    if (status == 204) {
                        accepted.merge(id, 1, Integer::sum);
                    } else {
                        conflicts++;
                    }
                }
            }
        }
        System.out.printf("[scale-out] concurrent changes of one account on both instances: %d accepted, %d "
                          + "answered 409%n", accepted.values().stream().mapToInt(i -> i).sum(), conflicts);
        return accepted;
    }

    private Set<String> processorsOnOneInstanceOnly(ServiceProcess a, ServiceProcess b) {
        Map<String, Set<String>> owners = new HashMap<>();
        jdbc.query("select processor_name, owner from token_entry where owner is not null", row -> {
            owners.computeIfAbsent(row.getString(1), p -> new HashSet<>())
                  .add(row.getString(2).substring(0, row.getString(2).indexOf('@')));
        });
        Map<String, Long> segments = new HashMap<>();
        jdbc.query("select processor_name, count(*) from token_entry group by processor_name",
                   row -> {
                       segments.put(row.getString(1), row.getLong(2));
                   });
        Set<String> both = Set.of(String.valueOf(a.pid()), String.valueOf(b.pid()));
        return segments.entrySet().stream().filter(e -> e.getValue() > 1)
                       .filter(e -> !owners.getOrDefault(e.getKey(), Set.of()).containsAll(both))
                       .map(Map.Entry::getKey)
                       .collect(Collectors.toSet());
    }

    private Duration awaitBalanced(ServiceProcess a, ServiceProcess b, Duration atMost) {
        Instant start = Instant.now();
        await().atMost(atMost).untilAsserted(() -> assertThat(processorsOnOneInstanceOnly(a, b))
                .as("processors whose segments are all on one instance").isEmpty());
        return Duration.between(start, Instant.now());
    }

    private long segmentsNotOwnedBy(String ownerPrefix) {
        return jdbc.queryForObject("select count(*) from token_entry where owner is null or owner not like ?",
                                   Long.class, ownerPrefix + "%");
    }

    /** Only the survivor's consumers are left in the group, and together they hold every partition. */
    private static boolean onlyTheSurvivorHoldsEveryPartition() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.kafka().bootstrapServers()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
            int partitions = admin.describeTopics(List.of(KafkaTopics.COMMANDS)).allTopicNames().get()
                                  .get(KafkaTopics.COMMANDS).partitions().size();
            return group.members().size() == INTAKE_CONSUMERS
                   && group.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum()
                      == partitions;
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /** How long until {@code condition} holds, polled every 100 ms for up to two minutes. */
    private static Duration awaitFor(Condition condition) {
        Instant start = Instant.now();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(condition::holds);
        return Duration.between(start, Instant.now());
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Long> matches(Pattern pattern, String log) {
        Map<String, Long> counts = new HashMap<>();
        Matcher matcher = pattern.matcher(log);
        while (matcher.find()) {
            counts.merge(matcher.group(1), 1L, Long::sum);
        }
        return counts;
    }

    private Map<UUID, Map<String, Long>> eventCountsByAccount() {
        Map<UUID, Map<String, Long>> counts = new HashMap<>();
        jdbc.query("""
                   select aggregate_identifier, payload_type, count(*) from domain_event_entry
                   where type = 'Account' group by aggregate_identifier, payload_type""", row -> {
            String type = row.getString(2);
            counts.computeIfAbsent(UUID.fromString(row.getString(1)), id -> new HashMap<>())
                  .put(type.substring(type.lastIndexOf('.') + 1), row.getLong(3));
        });
        return counts;
    }

    private void awaitCaughtUp(HttpJson http) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            long head = jdbc.queryForObject("select coalesce(max(global_index), 0) from domain_event_entry",
                                            Long.class);
            return http.get("/admin/projections").json().valueStream()
                       .allMatch(p -> p.get("running").asBoolean() && !p.get("replaying").asBoolean()
                                      && p.get("caughtUp").asBoolean() && p.get("position").asLong(-1) >= head);
        });
    }

    private void assertPublishedOnceInOrder(List<UUID> accounts, Instant killedAt) {
        Map<String, Long> stored = new HashMap<>();
        jdbc.query("select aggregate_identifier, count(*) from domain_event_entry where type = 'Account' "
                   + "group by aggregate_identifier", row -> {
            stored.put(row.getString(1), row.getLong(2));
        });
        Set<String> ours = accounts.stream().map(UUID::toString).collect(Collectors.toSet());
        // The shared test broker's topic also carries what other tests' services published — including the same
        // commands applied to their own databases, since they consume account.commands too: only this store's
        // events count.
        Set<String> storedIds = new HashSet<>(jdbc.queryForList("select event_identifier from domain_event_entry",
                                                                String.class));
        try (TopicReader topic = new TopicReader(KafkaTopics.EVENTS)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, List<Long>> firstCopies = new HashMap<>();
                Map<String, List<ConsumerRecord<String, String>>> byEvent = new HashMap<>();
                for (ConsumerRecord<String, String> record : topic.poll()) {
                    JsonNode event = TopicReader.json(record.value());
                    String account = event.path("aggregateId").asString(null);
                    if (!ours.contains(account) || !storedIds.contains(event.get("eventId").asString())) {
                        continue;
                    }
                    List<ConsumerRecord<String, String>> copies =
                            byEvent.computeIfAbsent(event.get("eventId").asString(), e -> new ArrayList<>());
                    if (copies.isEmpty()) {
                        firstCopies.computeIfAbsent(account, x -> new ArrayList<>())
                                   .add(event.get("sequenceNumber").asLong());
                    }
                    copies.add(record);
                }
                for (String account : ours) {
                    List<Long> sequence = firstCopies.getOrDefault(account, List.of());
                    assertThat(sequence).as(() -> "events of %s on the topic: %s; stored: %s".formatted(
                                                    account, topic.values(e -> account.equals(
                                                            e.path("aggregateId").asString(null))),
                                                    jdbc.queryForList("select event_identifier, sequence_number, "
                                                                      + "global_index, payload_type, time_stamp "
                                                                      + "from domain_event_entry where "
                                                                      + "aggregate_identifier = ?", account)))
                                        .hasSize(stored.get(account).intValue()).isSorted()
                                        .doesNotHaveDuplicates();
                }
                List<List<ConsumerRecord<String, String>>> duplicated =
                        byEvent.values().stream().filter(copies -> copies.size() > 1).toList();
                // A batch the killed instance had sent but not yet committed its token for is sent again by the
                // survivor: its first copies went out in the moments before the kill, its second ones after it.
                // A segment processed twice would instead re-send events first published long before.
                for (var copies : duplicated) {
                    assertThat(copies).as("copies of one event").hasSize(2);
                    assertThat(copies.get(0).timestamp()).as("a first copy sent just before the kill")
                                                         .isGreaterThanOrEqualTo(killedAt.minus(IN_FLIGHT)
                                                                                         .toEpochMilli());
                    assertThat(copies.get(1).timestamp()).as("a second copy is re-published after the kill")
                                                         .isGreaterThanOrEqualTo(killedAt.toEpochMilli());
                }
                System.out.printf("[scale-out] events on account.events: %d, published twice (the killed "
                                  + "instance's last batches): %d%n", byEvent.size(), duplicated.size());
            });
        }
    }

    /** The projection tables' lines of the {@code verify} report: rows and checksum each. */
    private List<String> projectionChecksums() {
        return new VerifyReport(jdbc).lines().stream().filter(line -> line.startsWith("projection.")).toList();
    }
}
