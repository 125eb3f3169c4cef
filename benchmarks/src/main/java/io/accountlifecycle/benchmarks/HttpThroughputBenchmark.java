package io.accountlifecycle.benchmarks;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * HTTP commands/s (POST /accounts, each a new aggregate) from N connections against a running service, alternated
 * with the raw single-row INSERT + COMMIT baseline on the same PostgreSQL, and the ratio of the two per round.
 * <p>
 * The JDK's HttpClient costs the load generator far more CPU than wrk does, and on two shared cores that lowers the
 * service's figure: for the HTTP side prefer {@code wrk -t2 -c8 -d20s -s benchmarks/wrk/open-account.lua URL} and
 * use this class for the raw baseline in the same run ({@code --rounds 1}, or {@code --raw-only true} for the baseline
 * alone). Give the service a few minutes of load first: C2 keeps compiling for that long on two cores.
 *
 * <pre>
 * ./mvnw -q -Pbenchmarks -pl benchmarks -am install -DskipTests
 * ./mvnw -q -Pbenchmarks -pl benchmarks exec:java -Dexec.mainClass=io.accountlifecycle.benchmarks.HttpThroughputBenchmark \
 *     -Dexec.args="--url http://localhost:8080 --jdbc jdbc:postgresql://localhost:5433/accounts --user account_owner \
 *                  --token <a token with accounts:write> --connections 8 --seconds 20 --rounds 3"
 * </pre>
 */
public final class HttpThroughputBenchmark {

    /** A bearer token with scope accounts:write (the service refuses anonymous commands). */
    private static String token;

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String url = args.get("url", "http://localhost:8080");
        String jdbc = args.get("jdbc", "jdbc:postgresql://localhost:5433/accounts");
        String user = args.get("user", "account_owner");
        String password = args.databasePassword(user);
        int connections = args.getInt("connections", 8);
        int seconds = args.getInt("seconds", 20);
        int rounds = args.getInt("rounds", 3);
        token = args.get("token", null);

        if (args.get("http-only", "false").equals("true")) {
            Histogram latency = new ConcurrentHistogram(3);
            System.out.printf("HTTP POST /accounts %.0f req/s (p99 %.1f ms)%n", runHttp(url, connections, seconds, latency),
                              latency.getValueAtPercentile(99) / 1000.0);
            return;
        }
        if (args.get("raw-only", "false").equals("true")) {
            RawInsertBaseline.prepare(jdbc, user, password);
            try {
                System.out.printf("raw INSERT+COMMIT %.0f tx/s%n",
                                  RawInsertBaseline.run(jdbc, user, password, connections, seconds));
            } finally {
                RawInsertBaseline.drop(jdbc, user, password);
            }
            return;
        }
        RawInsertBaseline.prepare(jdbc, user, password);
        runHttp(url, connections, 5, null); // warm-up
        List<double[]> results = new ArrayList<>();
        try {
            for (int round = 1; round <= rounds; round++) {
                double raw = RawInsertBaseline.run(jdbc, user, password, connections, seconds);
                Histogram latency = new ConcurrentHistogram(3);
                double http = runHttp(url, connections, seconds, latency);
                results.add(new double[]{raw, http});
                System.out.printf("round %d: raw INSERT+COMMIT %.0f tx/s | HTTP POST /accounts %.0f req/s "
                                  + "(p50 %.1f ms, p99 %.1f ms) | ratio %.2f%n", round, raw, http,
                                  latency.getValueAtPercentile(50) / 1000.0,
                                  latency.getValueAtPercentile(99) / 1000.0, http / raw);
            }
        } finally {
            RawInsertBaseline.drop(jdbc, user, password);
        }
        double[] ratios = results.stream().mapToDouble(r -> r[1] / r[0]).sorted().toArray();
        double[] https = results.stream().mapToDouble(r -> r[1]).sorted().toArray();
        double[] raws = results.stream().mapToDouble(r -> r[0]).sorted().toArray();
        System.out.printf("median of %d rounds at %d connections: HTTP %.0f req/s, raw %.0f tx/s, ratio %.2f%n",
                          rounds, connections, https[https.length / 2], raws[raws.length / 2],
                          ratios[ratios.length / 2]);
    }

    static double runHttp(String url, int connections, int seconds, Histogram latency) throws Exception {
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        double elapsed = Load.run(connections, seconds, stopped -> {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            while (!stopped.getAsBoolean()) {
                String body = """
                              {"accountId":"%s","email":"load@example.com","displayName":"Load Test","plan":"FREE"}"""
                        .formatted(UUID.randomUUID());
                HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url + "/accounts"))
                                                         .header("Content-Type", "application/json")
                                                         .POST(HttpRequest.BodyPublishers.ofString(body));
                if (token != null) {
                    builder.header("Authorization", "Bearer " + token);
                }
                HttpRequest request = builder.build();
                long start = System.nanoTime();
                try {
                    HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 201) {
                        ok.increment();
                        if (latency != null) {
                            latency.recordValue((System.nanoTime() - start) / 1000);
                        }
                    } else {
                        failed.increment();
                    }
                } catch (Exception e) {
                    failed.increment();
                }
            }
        });
        if (failed.sum() > 0) {
            System.out.printf("  (%d requests failed)%n", failed.sum());
        }
        return ok.sum() / elapsed;
    }
}
