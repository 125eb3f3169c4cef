package io.accountlifecycle.benchmarks;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bulk deletion of {@code --accounts} (default 10,000) accounts through the API, then its undo: the wall time from
 * executing the preview until every account is quarantined, and from the cancel until every account is Active again
 * (the cancel's own response, and the account summary catching up).
 * <p>
 * Run against an embedded default started with thresholds a 10,000-account batch passes (say so with the figures):
 * <pre>java -jar account-service/target/*.jar --account.deletion.approval-above-accounts=20000 \
 *      --account.deletion.approval-above-monthly-value=10000000 \
 *      --account.deletion.actor-max-accounts=100000000 --account.deletion.actor-max-monthly-value=1000000000 \
 *      --account.deletion.total-max-accounts=100000000 --account.deletion.total-max-monthly-value=1000000000 \
 *      --account.deletion.breaker-requests-per-minute=1000000
 * ./mvnw -q -Pbenchmarks -pl benchmarks exec:java -Dexec.mainClass=io.accountlifecycle.benchmarks.BatchBenchmark \
 *     -Dexec.args="--token $(java -jar account-service/target/*.jar token --subject bench --scopes accounts:write,accounts:admin,accounts:read,analytics:read)"</pre>
 * It opens its accounts on plan STANDARD in a fresh data folder and selects "STANDARD, not seen in use since now".
 */
public final class BatchBenchmark {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    private BatchBenchmark(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        BatchBenchmark bench = new BatchBenchmark(args.get("url", "http://localhost:8080"), args.get("token", null));
        int accounts = args.getInt("accounts", 10_000);

        long opened = System.nanoTime();
        bench.open(accounts, args.getInt("connections", 8));
        System.out.printf(Locale.ROOT, "opened %,d accounts in %.1f s%n", accounts, seconds(opened));
        Instant cutOff = Instant.now();
        String criteria = "{\"inactiveSince\":\"" + cutOff + "\",\"plans\":[\"STANDARD\"]}";
        bench.awaitPreviewOf(criteria, accounts);

        long previewStarted = System.nanoTime();
        JsonNode preview = JSON.readTree(bench.send("POST", "/admin/deletion-batches/preview", criteria));
        System.out.printf(Locale.ROOT, "preview of %,d accounts: %.2f s%n", preview.get("accounts").size(),
                          seconds(previewStarted));

        long executed = System.nanoTime();
        JsonNode batch = JSON.readTree(bench.send("POST", "/admin/deletion-batches",
                                                  "{\"previewToken\":\"" + preview.get("previewToken").asString()
                                                  + "\",\"reason\":\"benchmark\"}"));
        String batchId = batch.get("batchId").asString();
        JsonNode state = bench.awaitBatch(batchId, "IN_HOLD", accounts);
        double batchSeconds = seconds(executed);
        System.out.printf(Locale.ROOT, "batch %s: execute → all %,d quarantined in %.1f s (%,.0f accounts/s) %s%n",
                          batchId, accounts, batchSeconds, accounts / batchSeconds, state.get("counts"));

        long cancelled = System.nanoTime();
        JsonNode undone = JSON.readTree(bench.send("POST", "/admin/deletion-batches/" + batchId + "/cancel",
                                                   "{\"reason\":\"benchmark undo\"}"));
        double cancelSeconds = seconds(cancelled);
        bench.awaitBatch(batchId, "CANCELLED", accounts);
        double projectedSeconds = seconds(cancelled);
        System.out.printf(Locale.ROOT, "cancel: %d restored, %d already purged; all Active (the accounts) in %.1f s, "
                                       + "the batch read model at RESTORED %,d in %.1f s%n",
                          undone.get("restored").asInt(), undone.get("alreadyPurged").asInt(), cancelSeconds,
                          accounts, projectedSeconds);
    }

    private void open(int accounts, int connections) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < accounts; i++) {
            pool.submit(() -> {
                UUID id = UUID.randomUUID();
                try {
                    send("POST", "/accounts", """
                            {"accountId":"%s","email":"batch-%s@example.com","displayName":"Batch","plan":"STANDARD"}"""
                            .formatted(id, id));
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " accounts could not be opened");
        }
    }

    /** The account summary is eventually consistent: wait until it has every account the preview should find. */
    private void awaitPreviewOf(String criteria, int accounts) throws Exception {
        while (true) {
            JsonNode analytics = JSON.readTree(send("GET", "/analytics/accounts?plan=STANDARD&status=ACTIVE&size=1",
                                                    null));
            if (analytics.get("totalItems").asLong() >= accounts) {
                return;
            }
            Thread.sleep(500);
        }
    }

    private JsonNode awaitBatch(String batchId, String state, int accounts) throws Exception {
        String count = state.equals("IN_HOLD") ? "QUARANTINED" : "RESTORED";
        while (true) {
            JsonNode batch = JSON.readTree(send("GET", "/admin/deletion-batches/" + batchId, null));
            if (batch.get("state").asString().equals(state) && batch.at("/counts/" + count).asLong() >= accounts) {
                return batch;
            }
            Thread.sleep(250);
        }
    }

    private String send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                                         .header("Authorization", "Bearer " + token)
                                         .header("Content-Type", "application/json")
                                         .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                                                      : HttpRequest.BodyPublishers.ofString(body))
                                         .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300 && !(response.statusCode() == 404 && method.equals("GET"))) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                                            + response.body());
        }
        return response.statusCode() == 404 ? "{\"state\":\"\",\"counts\":{}}" : response.body();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
