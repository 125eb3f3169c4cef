package io.accountlifecycle.service.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.HttpJson.Response;
import io.accountlifecycle.service.embedded.KafkaCredentials;
import io.accountlifecycle.service.kafka.KafkaTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.awaitility.core.ConditionTimeoutException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * A steady mixed load on the embedded default while a fault is injected: HTTP opens, deletion requests and cancels
 * of some of them, and {@code OpenAccount} commands over Kafka with their results read back. It keeps what was
 * acknowledged (an HTTP 2xx, an {@code ACCEPTED} result) — the commands that must have exactly one effect — and
 * every refusal with its status, for {@link Invariants}.
 */
final class MixedLoad implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HTTP_CALLERS = 3;

    private final EmbeddedDefault target;
    private final ExecutorService threads = Executors.newFixedThreadPool(HTTP_CALLERS + 2);
    private volatile boolean running = true;

    final Set<UUID> openedOverHttp = ConcurrentHashMap.newKeySet();
    final Set<UUID> deletionsAcknowledged = ConcurrentHashMap.newKeySet();
    final Set<UUID> cancelsAcknowledged = ConcurrentHashMap.newKeySet();
    /** Kafka command id → its account. */
    final Map<UUID, UUID> kafkaSent = new ConcurrentHashMap<>();
    /** Kafka command id → every status its results carried (a redelivered command is answered again). */
    final Map<UUID, List<String>> kafkaResults = new ConcurrentHashMap<>();
    /** HTTP status → how many; 0 for no answer at all (connection refused or cut). */
    final Map<Integer, AtomicInteger> httpStatuses = new ConcurrentHashMap<>();
    /** Refusals that broke the contract: a 5xx other than 503, or a 503 without {@code Retry-After}. */
    final Queue<String> contractBreaches = new ConcurrentLinkedQueue<>();
    /** The problem titles of the {@code 503} refusals → how many ("Database out of disk space", …). */
    final Map<String, AtomicInteger> refusalTitles = new ConcurrentHashMap<>();
    final AtomicLong lastAcknowledgedNanos = new AtomicLong();
    /** When the last {@code ACCEPTED} result was read: the Kafka path served again. */
    final AtomicLong lastKafkaAcceptedNanos = new AtomicLong();
    final java.time.Instant startedAt = java.time.Instant.now();

    private MixedLoad(EmbeddedDefault target) {
        this.target = target;
    }

    static MixedLoad start(EmbeddedDefault target) {
        MixedLoad load = new MixedLoad(target);
        for (int i = 0; i < HTTP_CALLERS; i++) {
            load.threads.submit(load::httpCaller);
        }
        load.threads.submit(load::kafkaSender);
        load.threads.submit(load::kafkaResultReader);
        return load;
    }

    private void httpCaller() {
        HttpJson http = target.http();
        List<UUID> toCancel = new ArrayList<>();
        int n = 0;
        while (running) {
            UUID id = UUID.randomUUID();
            if (call(() -> http.post("/accounts", HttpJson.openAccountJson(id, "fault@example.com", "Fault", "FREE")),
                     201)) {
                openedOverHttp.add(id);
                n++;
                if (n % 4 == 0 && call(() -> http.post("/accounts/" + id + "/deletion",
                                                       "{\"reason\":\"fault suite\"}"), 202)) {
                    deletionsAcknowledged.add(id);
                    if (n % 8 == 0) {
                        toCancel.add(id);
                    }
                }
            }
            // Cancels a little later, once the saga has (mostly) quarantined the account; well inside the hold.
            if (toCancel.size() >= 2) {
                UUID cancelled = toCancel.remove(0);
                if (call(() -> http.post("/accounts/" + cancelled + "/deletion/cancel",
                                         "{\"reason\":\"fault suite\"}"), 200)) {
                    cancelsAcknowledged.add(cancelled);
                }
            }
            pause(150);
        }
    }

    /** Runs one request; true when it was answered with {@code expected}. */
    private boolean call(java.util.function.Supplier<Response> request, int expected) {
        Response response;
        try {
            response = request.get();
        } catch (IllegalStateException noAnswer) {
            httpStatuses.computeIfAbsent(0, s -> new AtomicInteger()).incrementAndGet();
            pause(100);
            return false;
        }
        int status = response.status();
        httpStatuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        if (status == expected) {
            lastAcknowledgedNanos.set(System.nanoTime());
            return true;
        }
        if (status >= 500 && (status != 503 || response.header("Retry-After") == null)) {
            contractBreaches.add(status + " " + response.raw());
        }
        if (status == 503) {
            refusalTitles.computeIfAbsent(title(response.raw()), t -> new AtomicInteger()).incrementAndGet();
        }
        pause(100);
        return false;
    }

    private static String title(String problem) {
        try {
            return JSON.readTree(problem).path("title").asText("(no title)");
        } catch (Exception unreadable) {
            return "(not a problem document)";
        }
    }

    int refusals(String title) {
        AtomicInteger count = refusalTitles.get(title);
        return count == null ? 0 : count.get();
    }

    private void kafkaSender() {
        Map<String, Object> config = new HashMap<>(target.kafka(KafkaCredentials.PRODUCT_USER));
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        byte[] authorization = ("Bearer " + target.token()).getBytes(StandardCharsets.UTF_8);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            while (running) {
                UUID account = UUID.randomUUID();
                UUID command = UUID.randomUUID();
                var record = new ProducerRecord<>(KafkaTopics.COMMANDS, account.toString(), """
                        {"commandId":"%s","type":"OpenAccount","accountId":"%s","issuedBy":"fault-suite",
                         "payload":{"email":"kafka-fault@example.com","displayName":"Kafka","plan":"FREE"}}"""
                        .formatted(command, account));
                record.headers().add("authorization", authorization);
                kafkaSent.put(command, account);
                producer.send(record);
                pause(50);
            }
            producer.flush();
        }
    }

    private void kafkaResultReader() {
        Map<String, Object> config = new HashMap<>(target.kafka(KafkaCredentials.PRODUCT_USER));
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            // Assigned, not subscribed: the product services' user may read the topic but join no group of ours.
            List<TopicPartition> partitions = consumer.partitionsFor(KafkaTopics.COMMAND_RESULTS).stream()
                                                      .map(p -> new TopicPartition(p.topic(), p.partition()))
                                                      .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running || !resultsComplete()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        JsonNode result = JSON.readTree(record.value());
                        if ("ACCEPTED".equals(result.get("status").asText())) {
                            lastKafkaAcceptedNanos.set(System.nanoTime());
                        }
                        kafkaResults.computeIfAbsent(UUID.fromString(result.get("commandId").asText()),
                                                     c -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                    .add(result.get("status").asText());
                    } catch (Exception malformed) {
                        contractBreaches.add("unreadable command result " + record.value());
                    }
                }
            }
        }
    }

    private volatile boolean stopReading;

    private boolean resultsComplete() {
        return stopReading || kafkaResults.keySet().containsAll(kafkaSent.keySet());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the load has seen so far, for a failure's message. */
    String describe() {
        return "HTTP statuses " + new java.util.TreeMap<>(httpStatuses) + ", opened " + openedOverHttp.size()
               + ", deletions " + deletionsAcknowledged.size() + ", cancels " + cancelsAcknowledged.size()
               + ", 503 titles " + new java.util.TreeMap<>(refusalTitles) + ", Kafka sent " + kafkaSent.size()
               + ", results " + kafkaResults.size() + ", breaches "
               + contractBreaches.stream().limit(3).toList();
    }

    int status(int status) {
        AtomicInteger count = httpStatuses.get(status);
        return count == null ? 0 : count.get();
    }

    /** Stops sending; waits up to {@code resultsWithin} for a result of every Kafka command sent. */
    void stop(Duration resultsWithin) throws InterruptedException {
        running = false;
        if (!resultsWithin.isZero()) {
            try {
                await().atMost(resultsWithin).pollInterval(Duration.ofMillis(200)).until(this::resultsComplete);
            } catch (ConditionTimeoutException missing) {
                // Missing results are the invariants' to report (every Kafka command must have one).
            }
        }
        stopReading = true;
        threads.shutdown();
        if (!threads.awaitTermination(60, TimeUnit.SECONDS)) {
            threads.shutdownNow();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (!threads.isShutdown()) {
            stop(Duration.ZERO);
        }
    }
}
