package io.accountlifecycle.benchmarks;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Two Kafka figures against a running service.
 * <ul>
 * <li>{@code --mode latency}: OpenAccount commands on account.commands at a steady {@code --rate} per second for
 * {@code --seconds}, after {@code --warmup-seconds} (0) of untimed ones at the same rate; latency is from the send
 * to the AccountOpened event (matched by correlationId = commandId)
 * arriving on account.events. Prints p50/p90/p99/max. With {@code --read-model true}, also from the send to the
 * account's row in the read model {@code projection.account_summary} (polled every {@code --poll-ms}, 5, through
 * {@code --jdbc} as {@code --user}, account_owner, with the embedded default's password from {@code --data-dir}).
 * With {@code --trace FILE}, writes one line per timed command: its send (epoch ms), intake and publication (ms)
 * and the total (ms), to see when a slow command was sent and on which side of the store it waited.</li>
 * <li>{@code --mode burst}: {@code --count} commands sent at once; prints commands/s from the first send until the
 * last result on account.command-results.</li>
 * </ul>
 * Every command carries {@code --token} (scope {@code accounts:write}) in header {@code authorization}, as the service
 * requires: {@code java -jar account-service/target/*.jar token --subject bench --scopes accounts:write --ttl PT2H},
 * run in the service's working folder.
 */
public final class KafkaLatencyBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** SCRAM settings of the embedded default's local product user (or {@code --kafka-user}); none on plaintext. */
    private static Map<String, Object> security = Map.of();

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String bootstrap = args.get("bootstrap", "127.0.0.1:9092");
        security = args.kafkaSecurity();
        String mode = args.get("mode", "latency");
        String token = args.get("token", null);
        if (token == null) {
            System.err.println("no --token: the service refuses every command unless it runs with "
                               + "account.kafka.intake.require-token=false");
        }
        if (mode.equals("burst")) {
            burst(bootstrap, token, args.getInt("count", 20000));
        } else {
            String user = args.get("user", "account_owner");
            SummaryRows rows = !args.get("read-model", "false").equals("true") ? null
                    : new SummaryRows(args.get("jdbc", "jdbc:postgresql://localhost:5433/accounts"), user,
                                      args.databasePassword(user), args.getInt("poll-ms", 5));
            try {
                latency(bootstrap, token, args.getInt("rate", 200), args.getInt("warmup-seconds", 0),
                        args.getInt("seconds", 30), rows, args.get("trace", null));
            } finally {
                if (rows != null) {
                    rows.close();
                }
            }
        }
    }

    /** An OpenAccount command for a new account, with {@code token} (when given) as product services send it. */
    private static ProducerRecord<String, String> command(UUID commandId, UUID accountId, String token) {
        ProducerRecord<String, String> record = new ProducerRecord<>("account.commands", accountId.toString(),
                                                                     openAccount(commandId, accountId));
        if (token != null) {
            record.headers().add("authorization", ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    /** A consumer of every partition of {@code topic}, from its end. */
    private static KafkaConsumer<String, String> tail(String bootstrap, String topic) {
        Map<String, Object> properties = new HashMap<>(security);
        properties.putAll(Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", false, "fetch.max.wait.ms", 50));
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                                                                     new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                                                  .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Map<String, Object> properties = new HashMap<>(security);
        properties.putAll(Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 1));
        return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    private static String openAccount(UUID commandId, UUID accountId) {
        return """
               {"commandId":"%s","type":"OpenAccount","accountId":"%s","issuedBy":"benchmark",
                "payload":{"email":"bench@example.com","displayName":"Bench","plan":"FREE"}}"""
                .formatted(commandId, accountId);
    }

    /**
     * {@code rows}: where to expect each account's read-model row, or null for the events alone. The first
     * {@code warmupSeconds} of commands are sent at the same rate but not timed: the service's and this client's
     * code for this path compile and the intake's polls settle into the rate's rhythm before the timed ones.
     */
    static void latency(String bootstrap, String token, int rate, int warmupSeconds, int seconds, SummaryRows rows,
                        String trace) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> sentWall = new ConcurrentHashMap<>();
        Histogram histogram = new Histogram(3);
        Histogram intake = new Histogram(3);
        Histogram publication = new Histogram(3);
        Histogram acknowledged = new Histogram(3);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong received = new AtomicLong();
        // Per second of sending: the slowest command's total, intake and publication times (ms), so a stall shows
        // when it happened and on which side of the store.
        Map<Long, long[]> slowest = new TreeMap<>();
        // With --trace: every timed command's send (epoch ms), intake and publication times and total (ms).
        List<String> traced = trace == null ? null : Collections.synchronizedList(new ArrayList<>());
        AtomicLong timedFrom = new AtomicLong();
        UUID firstId = UUID.randomUUID();
        CompletableFuture<Long> firstSeen = new CompletableFuture<>();
        try (var events = tail(bootstrap, "account.events"); var producer = producer(bootstrap)) {
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    events.poll(Duration.ofMillis(100)).forEach(record -> {
                        long now = System.nanoTime();
                        JsonNode event = JSON.readTree(record.value());
                        JsonNode correlation = event.path("metadata").path("correlationId");
                        if (!correlation.isMissingNode() && correlation.asString().equals(firstId.toString())) {
                            firstSeen.complete(now);
                        }
                        Long sent = correlation.isMissingNode() ? null : sentAt.remove(correlation.asString());
                        if (sent != null) {
                            long wallSent = sentWall.remove(correlation.asString());
                            long stored = java.time.Instant.parse(event.get("occurredAt").asString()).toEpochMilli();
                            long arrived = System.currentTimeMillis();
                            synchronized (histogram) {
                                histogram.recordValue((now - sent) / 1000);
                                intake.recordValue(Math.max(0, stored - wallSent));
                                publication.recordValue(Math.max(0, arrived - stored));
                                slowest.merge((wallSent - timedFrom.get()) / 1000, new long[] {
                                        (now - sent) / 1_000_000, stored - wallSent, arrived - stored},
                                        (a, b) -> a[0] >= b[0] ? a : b);
                            }
                            if (traced != null) {
                                traced.add(wallSent + "," + (stored - wallSent) + "," + (arrived - stored) + ","
                                           + (now - sent) / 1000 / 1000.0);
                            }
                            received.incrementAndGet();
                        }
                    });
                }
            });
            reader.start();
            // A product service's producer is connected and has its producer id long before its commands: one
            // untimed command first, so the figures are not those of this benchmark's own client starting.
            // Its own time is printed: right after a burst it waited up to 5 s until the intake's poll timeout was
            // bounded (kafka-clients 4.2's consumer-protocol client sends no fetch between an empty fetch and the
            // next poll: ADR 14).
            long warming = System.nanoTime();
            producer.send(command(firstId, UUID.randomUUID(), token)).get(30, TimeUnit.SECONDS);
            long acknowledgedAfter = (System.nanoTime() - warming) / 1_000_000;
            String eventAfter;
            try {
                eventAfter = (firstSeen.get(30, TimeUnit.SECONDS) - warming) / 1_000_000 + " ms";
            } catch (TimeoutException e) {
                eventAfter = "more than 30 s";
            }
            System.out.printf("  the first command, untimed: acknowledged after %d ms, its event on account.events "
                              + "after %s%n", acknowledgedAfter, eventAfter);
            ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
            long periodMicros = 1_000_000L / rate;
            long untimed = (long) rate * warmupSeconds;
            long total = (long) rate * seconds;
            AtomicLong sent = new AtomicLong();
            timedFrom.set(System.currentTimeMillis() + warmupSeconds * 1000L);
            sender.scheduleAtFixedRate(() -> {
                long number = sent.incrementAndGet();
                if (number > untimed + total) {
                    return;
                }
                UUID commandId = UUID.randomUUID();
                UUID accountId = UUID.randomUUID();
                if (number <= untimed) {
                    producer.send(command(commandId, accountId, token));
                    return;
                }
                long now = System.nanoTime();
                sentAt.put(commandId.toString(), now);
                if (rows != null) {
                    rows.expect(accountId, now);
                }
                sentWall.put(commandId.toString(), System.currentTimeMillis());
                producer.send(command(commandId, accountId, token), (metadata, failure) -> {
                    synchronized (acknowledged) {
                        acknowledged.recordValue((System.nanoTime() - now) / 1000);
                    }
                });
            }, 0, periodMicros, TimeUnit.MICROSECONDS);
            if (warmupSeconds > 0) {
                System.out.printf("  warm-up, untimed: %d commands at %d/s%n", untimed, rate);
            }
            Thread.sleep((warmupSeconds + seconds) * 1000L);
            sender.shutdown();
            long deadline = System.currentTimeMillis() + 30_000;
            while ((received.get() < total || rows != null && rows.seen() < total)
                   && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            stop.set(true);
            reader.join();
            if (traced != null) {
                Files.write(Path.of(trace), traced);
            }
            System.out.printf("rate %d commands/s for %d s: %d of %d events seen; command on topic -> event on topic "
                              + "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", rate, seconds, received.get(),
                              total, histogram.getValueAtPercentile(50) / 1000.0,
                              histogram.getValueAtPercentile(90) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                              histogram.getMaxValue() / 1000.0);
            System.out.printf("  of which send -> event stored (intake): p50 %d ms, p99 %d ms; stored -> on topic "
                              + "(publication): p50 %d ms, p99 %d ms%n", intake.getValueAtPercentile(50),
                              intake.getValueAtPercentile(99), publication.getValueAtPercentile(50),
                              publication.getValueAtPercentile(99));
            String stalls = slowest.entrySet().stream().filter(e -> e.getValue()[0] >= 250)
                                   .map(e -> String.format(Locale.ROOT, "%ds: %d ms (intake %d, publication %d)",
                                                           e.getKey(), e.getValue()[0], e.getValue()[1],
                                                           e.getValue()[2]))
                                   .collect(Collectors.joining("; "));
            System.out.printf("  the broker's acknowledgement of a command: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                              acknowledged.getValueAtPercentile(50) / 1000.0,
                              acknowledged.getValueAtPercentile(99) / 1000.0, acknowledged.getMaxValue() / 1000.0);
            System.out.printf("  seconds whose slowest command took 250 ms or more: %s%n",
                              stalls.isEmpty() ? "none" : stalls);
            if (rows != null) {
                Histogram summary = rows.latency();
                System.out.printf("command on topic -> row in account_summary: %d of %d rows seen; p50 %.1f ms, "
                                  + "p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", summary.getTotalCount(), total,
                                  summary.getValueAtPercentile(50) / 1000.0,
                                  summary.getValueAtPercentile(90) / 1000.0,
                                  summary.getValueAtPercentile(99) / 1000.0, summary.getMaxValue() / 1000.0);
            }
        }
    }

    static void burst(String bootstrap, String token, int count) throws Exception {
        try (var results = tail(bootstrap, "account.command-results"); var producer = producer(bootstrap)) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                UUID accountId = UUID.randomUUID();
                producer.send(command(UUID.randomUUID(), accountId, token));
            }
            producer.flush();
            long sentNanos = System.nanoTime() - start;
            long seen = 0;
            long deadline = System.currentTimeMillis() + 600_000;
            while (seen < count && System.currentTimeMillis() < deadline) {
                seen += results.poll(Duration.ofMillis(200)).count();
            }
            double secondsTaken = (System.nanoTime() - start) / 1e9;
            System.out.printf("burst of %d OpenAccount commands: sent in %.1f s, %d results in %.1f s -> %.0f "
                              + "commands/s through the Kafka intake%n", count, sentNanos / 1e9, seen, secondsTaken,
                              seen / secondsTaken);
        }
    }
}
