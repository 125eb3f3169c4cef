package io.accountlifecycle.benchmarks;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Single deletions over HTTP ({@code POST /accounts/{id}/deletion}) from N connections against a running service: the
 * path every deletion door's policy sits on. Each round opens {@code --accounts} FREE accounts, then requests their
 * deletion as fast as the connections allow, and prints deletions/s and p99; the last line gives the median of the
 * rounds. The first round is the warm-up and is not in the median.
 * <p>
 * The service must let that many deletions through without a second person and without tripping the breaker (say so
 * with the figures):
 * <pre>java -jar account-service/target/*.jar --account.deletion.actor-max-accounts=100000000 \
 *      --account.deletion.total-max-accounts=100000000 --account.deletion.breaker-requests-per-minute=1000000 \
 *      --account.deletion.breaker-quarantines-per-minute=1000000
 * ./mvnw -q -Pbenchmarks -pl benchmarks exec:java -Dexec.mainClass=io.accountlifecycle.benchmarks.DeletionThroughputBenchmark \
 *     -Dexec.args="--token $(java -jar account-service/target/*.jar token --subject bench --scopes accounts:write,accounts:delete) \
 *                  --accounts 2000 --connections 8 --rounds 4"</pre>
 */
public final class DeletionThroughputBenchmark {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;
    private final String token;

    private DeletionThroughputBenchmark(String url, String token) {
        this.url = url;
        this.token = token;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        DeletionThroughputBenchmark bench = new DeletionThroughputBenchmark(args.get("url", "http://localhost:8080"),
                                                                            args.get("token", null));
        int accounts = args.getInt("accounts", 2_000);
        int connections = args.getInt("connections", 8);
        int rounds = args.getInt("rounds", 4);
        double[] rates = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            List<UUID> ids = bench.open(accounts, connections);
            Histogram latency = new ConcurrentHistogram(3);
            rates[round] = bench.delete(ids, connections, latency);
            System.out.printf("round %d%s: %.0f deletions/s (p99 %.1f ms)%n", round + 1, round == 0 ? " (warm-up)" : "",
                              rates[round], latency.getValueAtPercentile(99) / 1000.0);
        }
        double[] measured = Arrays.copyOfRange(rates, rounds > 1 ? 1 : 0, rounds);
        Arrays.sort(measured);
        System.out.printf("single deletions median %.0f deletions/s over %d rounds after 1 warm-up%n",
                          measured[measured.length / 2], measured.length);
    }

    private List<UUID> open(int count, int connections) throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(UUID.randomUUID());
        }
        run(ids, connections, id -> send("/accounts", """
                {"accountId":"%s","email":"del-%s@example.com","displayName":"Bench","plan":"FREE"}"""
                .formatted(id, id), 201), null);
        return ids;
    }

    private double delete(List<UUID> ids, int connections, Histogram latency) throws Exception {
        long started = System.nanoTime();
        run(ids, connections, id -> send("/accounts/" + id + "/deletion", "{\"reason\":\"benchmark\"}", 202), latency);
        return ids.size() / ((System.nanoTime() - started) / 1e9);
    }

    private interface Call {
        void on(UUID id) throws Exception;
    }

    private void run(List<UUID> ids, int connections, Call call, Histogram latency) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < ids.size(); i = next.getAndIncrement()) {
                        long start = System.nanoTime();
                        call.on(ids.get(i));
                        if (latency != null) {
                            latency.recordValue((System.nanoTime() - start) / 1_000);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private void send(String path, String body, int expected) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                           .header("Authorization", "Bearer " + token)
                           .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
    }
}
