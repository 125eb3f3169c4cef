package io.accountlifecycle.benchmarks;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Projection replay against a raw JDBC baseline on the same PostgreSQL, in the same run; and the rebuild time of one
 * account with 1,000 events.
 * <ol>
 *   <li>Fills the event store up to {@code --events} (default 1,000,000) with accounts cloned, in SQL, from one
 *       template account made through the API: open, profile update, plan change, seven activities — interleaved
 *       across accounts, as a live store would have them.</li>
 *   <li>Baseline: an ordered scan of the whole event table with a batched upsert (commit every 100) into a table of
 *       the account summary's shape.</li>
 *   <li>Replays each projection alone ({@code POST /admin/projections/{name}/replay}), then all at once, timing each
 *       until it has caught up with the head of the store again.</li>
 *   <li>Rebuilds one account of 1,000 events {@code --rebuilds} times ({@code GET /accounts/{id}}): p50/p99 of the
 *       server's own {@code Server-Timing} and of the whole request. Its events are stored in SQL, without a
 *       snapshot: the first read folds them all (its time is printed on its own) and asks for one.</li>
 *   <li>Vacuums and analyses what it wrote, as after any bulk load ({@link #vacuum}).</li>
 * </ol>
 * {@code --rebuild-only true} skips the fill, the baselines and the replays: only the last step, on whatever store
 * the service has (benchmarks/compare.sh runs it so).
 * Run against the embedded default (its PostgreSQL on 5433, the owner role without password):
 * <pre>./mvnw -q -Pbenchmarks -pl benchmarks exec:java -Dexec.mainClass=io.accountlifecycle.benchmarks.ReplayBenchmark
 *     -Dexec.args="--token $(java -jar account-service/target/*.jar token --subject bench --scopes accounts:read,accounts:write,accounts:admin)"</pre>
 */
public final class ReplayBenchmark {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final List<String> PROJECTIONS = List.of("account-summary", "account-timeline", "audit-log",
                                                            "daily-stats");

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;
    private final String jdbcUrl;
    private final String user;
    private final String password;

    private ReplayBenchmark(Args args) {
        this.base = args.get("url", "http://localhost:8080");
        this.token = args.get("token", null);
        this.jdbcUrl = args.get("jdbc", "jdbc:postgresql://localhost:5433/accounts");
        this.user = args.get("user", "account_owner");
        this.password = args.databasePassword(user);
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        ReplayBenchmark bench = new ReplayBenchmark(args);
        if (bench.token == null) {
            throw new IllegalArgumentException("--token: a token with accounts:read, accounts:write, accounts:admin");
        }
        if (args.get("rebuild-only", "false").equals("true")) {
            bench.rebuildOneAccount(args.getInt("rebuilds", 300));
            return;
        }
        long events = bench.fill(args.getInt("events", 1_000_000));
        bench.awaitCaughtUp(PROJECTIONS, Duration.ofMinutes(30));
        bench.awaitPublished(Duration.ofMinutes(30));

        double rawAsInStack = bench.rawScanAndUpsert(100, true);
        System.out.printf(Locale.ROOT, "raw ordered scan + batched upsert, commit every 100 (STACK.md's recipe): "
                                       + "%,.0f events/s%n", rawAsInStack);
        double raw = bench.rawScanAndUpsert(2_000, false);
        System.out.printf(Locale.ROOT, "raw ordered scan + batched upsert, commit every 2,000 without waiting for "
                                       + "the disk (the replay's own settings; the ratios below): %,.0f events/s%n",
                          raw);
        List<String> lines = new ArrayList<>();
        for (String projection : PROJECTIONS) {
            double rate = events / bench.replay(List.of(projection));
            lines.add(String.format(Locale.ROOT, "replay %-17s %,10.0f events/s  = %.2f x raw", projection, rate,
                                    rate / raw));
            System.out.println(lines.get(lines.size() - 1));
        }
        double all = events / bench.replay(PROJECTIONS);
        lines.add(String.format(Locale.ROOT, "replay all four at once  %,10.0f events/s each = %.2f x raw",
                                all, all / raw));
        System.out.println(lines.get(lines.size() - 1));

        bench.rebuildOneAccount(args.getInt("rebuilds", 300));
        bench.vacuum();
        System.out.printf(Locale.ROOT, "%nstore: %,d events; raw baselines %,.0f events/s (commit every 100) and "
                                       + "%,.0f events/s (the replay's settings)%n", events, rawAsInStack, raw);
        lines.forEach(System.out::println);
    }

    /**
     * What a DBA runs after a bulk load: {@code VACUUM (ANALYZE)} of the tables the fill and the replays wrote (the
     * event store's and every projection's: millions of rows in minutes). Left to autovacuum it runs during whatever
     * is measured next: the HTTP figure with the store full did 1,009 req/s while it worked on a projection's table
     * and 1,231 right after, against 1,544 on the fresh store (one run, the sixth session of issue 19). A store that
     * grew to this size in production was vacuumed as it grew.
     */
    private void vacuum() throws Exception {
        long started = System.nanoTime();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // Outside a transaction (autocommit); tables the role does not own are skipped with a warning.
            s.execute("vacuum (analyze)");
        }
        System.out.printf(Locale.ROOT, "vacuumed and analysed the store and the projections in %.1f s%n",
                          (System.nanoTime() - started) / 1e9);
    }

    /** Tops the store up to {@code target} events; returns how many it holds. */
    private long fill(int target) throws Exception {
        long stored = count();
        if (stored >= target) {
            System.out.printf(Locale.ROOT, "store already holds %,d events%n", stored);
            return stored;
        }
        UUID template = account(7);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("drop table if exists bench_template");
            s.execute("create table bench_template as select sequence_number as seq, payload_type, "
                      + "payload_revision, convert_from(payload, 'UTF8') as payload, meta_data "
                      + "from domain_event_entry where aggregate_identifier = '" + template + "'");
            long perAccount = 10;
            long started = System.nanoTime();
            while (stored < target) {
                long accounts = Math.min(10_000, (target - stored + perAccount - 1) / perAccount);
                s.execute("""
                          insert into domain_event_entry (event_identifier, aggregate_identifier, sequence_number,
                                 type, time_stamp, payload_type, payload_revision, payload, meta_data)
                          select gen_random_uuid()::text, a.id::text, t.seq, 'Account', clock_timestamp(),
                                 t.payload_type, t.payload_revision,
                                 convert_to(%s, 'UTF8'), t.meta_data
                          from (select gen_random_uuid() as id from generate_series(1, %d)) a
                          cross join bench_template t
                          order by t.seq, a.id""".formatted(Copies.text("t.payload", template), accounts));
                stored = count();
                System.out.printf(Locale.ROOT, "filled to %,d events%n", stored);
            }
            System.out.printf(Locale.ROOT, "filled in %.0f s%n", (System.nanoTime() - started) / 1e9);
            s.execute("drop table bench_template");
            s.execute("analyze domain_event_entry");
        }
        return stored;
    }

    /** An account made through the API: open, profile update, plan change and {@code activities} activities. */
    private UUID account(int activities) throws Exception {
        UUID id = UUID.randomUUID();
        send("POST", "/accounts", """
                {"accountId":"%s","email":"bench-%s@example.com","displayName":"Bench %s","plan":"FREE"}"""
                .formatted(id, id, id));
        send("PATCH", "/accounts/" + id + "/profile", "{\"displayName\":\"Bench Renamed\"}");
        send("PUT", "/accounts/" + id + "/plan", "{\"plan\":\"PREMIUM\"}");
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < activities; i++) {
            send("POST", "/accounts/" + id + "/activity", "{\"lastActivityAt\":\"" + at.plusSeconds(i) + "\"}");
        }
        return id;
    }

    /**
     * Events per second of a plain JDBC rebuild: the whole event table read in order, an upsert per event into a
     * table like the account summary (same columns and indexes), sent in JDBC batches, committed every
     * {@code commitEvery} events.
     */
    private double rawScanAndUpsert(int commitEvery, boolean waitForDisk) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("drop table if exists bench_summary");
            s.execute("create table bench_summary (like projection.account_summary including all)");
            s.execute("alter table bench_summary set (fillfactor = 80)");
            if (!waitForDisk) {
                s.execute("set synchronous_commit = off");
            }
            c.setAutoCommit(false);
            long started = System.nanoTime();
            long rows = 0;
            try (Statement scan = c.createStatement();
                 PreparedStatement upsert = c.prepareStatement("""
                         insert into bench_summary (account_id, status, plan, protected, created_at, version,
                                                    updated_at)
                         values (?::uuid, 'ACTIVE', 'FREE', false, ?, ?, ?)
                         on conflict (account_id) do update set version = excluded.version,
                                                                updated_at = excluded.updated_at
                         where bench_summary.version < excluded.version""")) {
                scan.setFetchSize(1000);
                try (Connection reader = connect(); Statement cursor = reader.createStatement()) {
                    reader.setAutoCommit(false);
                    cursor.setFetchSize(1000);
                    try (ResultSet events = cursor.executeQuery(
                            "select aggregate_identifier, sequence_number, time_stamp, payload from "
                            + "domain_event_entry order by global_index")) {
                        while (events.next()) {
                            events.getBytes(4);
                            upsert.setString(1, events.getString(1));
                            upsert.setObject(2, events.getObject(3));
                            upsert.setLong(3, events.getLong(2));
                            upsert.setObject(4, events.getObject(3));
                            upsert.addBatch();
                            if (++rows % commitEvery == 0) {
                                upsert.executeBatch();
                                c.commit();
                            }
                        }
                    }
                }
                upsert.executeBatch();
                c.commit();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            c.setAutoCommit(true);
            s.execute("drop table bench_summary");
            s.execute("reset synchronous_commit");
            return rows / seconds;
        }
    }

    /** Seconds from the replay request until every named projection has caught up with the head again. */
    private double replay(List<String> projections) throws Exception {
        long started = System.nanoTime();
        for (String projection : projections) {
            send("POST", "/admin/projections/" + projection + "/replay", "");
        }
        awaitCaughtUp(projections, Duration.ofMinutes(60));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "  %s replayed in %.1f s%n", projections, seconds);
        return seconds;
    }

    private void awaitCaughtUp(List<String> projections, Duration patience) throws Exception {
        long head = head();
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            JsonNode all = JSON.readTree(send("GET", "/admin/projections", null));
            boolean done = true;
            for (JsonNode p : all) {
                if (projections.contains(p.get("name").asString())) {
                    done &= !p.get("replaying").asBoolean() && p.get("caughtUp").asBoolean()
                            && p.get("position").asLong(-1) >= head;
                }
            }
            if (done) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(projections + " did not catch up within " + patience);
    }

    /** The publisher runs alongside every replay; it must be idle before the figures mean anything. */
    private void awaitPublished(Duration patience) throws Exception {
        long head = head();
        Pattern index = Pattern.compile("\"index\"\\s*:\\s*(\\d+)");
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            long lowest = Long.MAX_VALUE;
            try (Connection c = connect(); Statement s = c.createStatement();
                 ResultSet tokens = s.executeQuery("select convert_from(token, 'UTF8') from token_entry "
                                                   + "where processor_name = 'account-events-publisher'")) {
                while (tokens.next()) {
                    Matcher m = index.matcher(tokens.getString(1) == null ? "" : tokens.getString(1));
                    lowest = Math.min(lowest, m.find() ? Long.parseLong(m.group(1)) : -1);
                }
            }
            if (lowest >= head && lowest != Long.MAX_VALUE) {
                return;
            }
            System.out.printf(Locale.ROOT, "waiting for publication: %,d of %,d%n", lowest, head);
            Thread.sleep(5_000);
        }
        throw new IllegalStateException("publication did not catch up within " + patience);
    }

    private void rebuildOneAccount(int rebuilds) throws Exception {
        UUID id = account(0);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("""
                      insert into domain_event_entry (event_identifier, aggregate_identifier, sequence_number, type,
                             time_stamp, payload_type, payload_revision, payload, meta_data)
                      select gen_random_uuid()::text, '%1$s', 2 + g, 'Account', clock_timestamp(),
                             'io.accountlifecycle.api.AccountActivityRecordedEvent', null,
                             convert_to('{"accountId":"%1$s","lastActivityAt":"' ||
                                        to_char((timestamptz '2026-01-01 00:00:00Z' + g * interval '1 second') at time zone 'UTC',
                                                'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '"}', 'UTF8'),
                             e.meta_data
                      from generate_series(1, 997) g,
                           (select meta_data from domain_event_entry where aggregate_identifier = '%1$s'
                            and sequence_number = 0) e""".formatted(id));
        }
        double[] server = new double[rebuilds];
        double[] client = new double[rebuilds];
        Pattern duration = Pattern.compile("dur=([0-9.]+);desc=\"(\\d+) events\"");
        String events = "";
        double first = -1;
        String firstEvents = "";
        for (int i = -rebuilds / 3; i < rebuilds; i++) {
            long started = System.nanoTime();
            HttpResponse<String> response = request("GET", "/accounts/" + id, null);
            double took = (System.nanoTime() - started) / 1e6;
            Matcher m = duration.matcher(response.headers().firstValue("Server-Timing").orElse(""));
            if (!m.find()) {
                throw new IllegalStateException("no Server-Timing: " + response.headers());
            }
            events = m.group(2);
            if (first < 0) {
                // Stored in SQL without a snapshot: the first read folds every event (and asks for a snapshot).
                first = Double.parseDouble(m.group(1));
                firstEvents = m.group(2);
            }
            if (i >= 0) {
                server[i] = Double.parseDouble(m.group(1));
                client[i] = took;
            }
        }
        Arrays.sort(server);
        Arrays.sort(client);
        System.out.printf(Locale.ROOT, "rebuild of one account with %s events (%d times, after %d warm-up): "
                                       + "server p50 %.2f ms, p99 %.2f ms; whole request p50 %.2f ms, p99 %.2f ms%n",
                          events, rebuilds, rebuilds / 3, server[rebuilds / 2], server[rebuilds * 99 / 100],
                          client[rebuilds / 2], client[rebuilds * 99 / 100]);
        System.out.printf(Locale.ROOT, "first read of it, every one of its %s events folded (no snapshot yet): "
                                       + "server %.2f ms%n", firstEvents, first);
    }

    private long count() throws Exception {
        return single("select count(*) from domain_event_entry");
    }

    private long head() throws Exception {
        return single("select coalesce(max(global_index), 0) from domain_event_entry");
    }

    private long single(String sql) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    private String send(String method, String path, String body) throws Exception {
        HttpResponse<String> response = request(method, path, body);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                                            + response.body());
        }
        return response.body();
    }

    private HttpResponse<String> request(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                                                 .header("Authorization", "Bearer " + token)
                                                 .header("Content-Type", "application/json")
                                                 .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                                                              : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
