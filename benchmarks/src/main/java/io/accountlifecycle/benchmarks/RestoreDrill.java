package io.accountlifecycle.benchmarks;

import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The disaster-recovery drill on the embedded default: a store of at least {@code --events} events over a mix of
 * account lifecycles (made through the API, then multiplied in SQL: 80 % active with updates and activity, 10 %
 * deleted and cancelled, 10 % purged), published to Kafka by the service; {@code verify}; the database deleted
 * (its whole data directory); {@code restore}; {@code verify} again, compared; the restore's time and events/s next to
 * a raw {@code COPY} of the same rows into the same PostgreSQL, taken in the same run: for the whole event store (keys,
 * events, sagas) and, where the restore reports it, for its event phase alone (read, verify, stage, merge).
 *
 * <pre>
 * ./mvnw -B -q install -DskipTests
 * ./mvnw -q -Pbenchmarks -pl benchmarks exec:java -Dexec.mainClass=io.accountlifecycle.benchmarks.RestoreDrill \
 *     -Dexec.args="--events 1000000"
 * </pre>
 * {@code --port-offset n} moves every port of the embedded default (8080, 8081, 5433, 9092-9094) by {@code n}.
 */
public final class RestoreDrill {

    private final Path jar;
    private final Path work;
    private final Path data;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Added to every port of the embedded default, so a drill can run beside another instance on the defaults. */
    private final int portOffset;
    private String token;

    private RestoreDrill(Args args) throws IOException {
        this.jar = Path.of(args.get("jar", "account-service/target/account-service-0.1.0-SNAPSHOT.jar"))
                       .toAbsolutePath();
        this.work = Path.of(args.get("work", "/tmp/restore-drill")).toAbsolutePath();
        this.data = work.resolve("data");
        this.portOffset = args.getInt("port-offset", 0);
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        RestoreDrill drill = new RestoreDrill(args);
        int target = args.getInt("events", 1_000_000);
        drill.deleteRecursively(drill.work);
        Files.createDirectories(drill.work);

        Process service = drill.startService();
        long events;
        double copyRate;
        try {
            drill.token = drill.run(List.of("token", "--subject", "drill", "--scopes",
                                            "accounts:read,accounts:write,accounts:delete,accounts:admin"), "token")
                               .strip();
            List<UUID> templates = drill.templates();
            events = drill.fill(templates, target);
            drill.awaitPublished(events);
            copyRate = drill.rawCopy();
        } finally {
            service.destroy();
            service.waitFor();
        }
        String before = drill.run(List.of("verify"), "verify-before");
        System.out.println("verify before the loss:\n" + before);

        drill.deleteRecursively(drill.data.resolve("postgres"));
        System.out.println("the database is gone (" + drill.data.resolve("postgres") + " deleted); restoring");
        Instant start = Instant.now();
        String restore = drill.run(List.of("restore"), "restore");
        double total = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        restore.lines().filter(l -> l.startsWith("Restored") || l.startsWith("Projection") && l.contains("rebuilt")
                                    || l.startsWith("Data keys") || l.startsWith("Purge sagas")
                                    || l.startsWith("Events") && !l.contains("%"))
               .forEach(System.out::println);
        String after = drill.run(List.of("verify"), "verify-after");
        System.out.println("verify after the restore:\n" + after);

        double storeRate = restore.lines().filter(l -> l.startsWith("Restored")).findFirst()
                                  .map(RestoreDrill::rate).orElse(Double.NaN);
        double eventPhaseRate = restore.lines().filter(l -> l.contains("event phase")).findFirst()
                                       .map(RestoreDrill::lastRate).orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "%nstore: %,d events%n", events);
        System.out.printf(Locale.ROOT, "restore command, start to finish (JVM starts, keys, events, sagas, every "
                                       + "projection): %.1f s%n", total);
        System.out.printf(Locale.ROOT, "event store from Kafka: %,.0f events/s; raw COPY of the same rows: %,.0f "
                                       + "rows/s; ratio %.2f%n", storeRate, copyRate, storeRate / copyRate);
        if (!Double.isNaN(eventPhaseRate)) {
            System.out.printf(Locale.ROOT, "event phase alone (read, verify, stage, merge): %,.0f events/s; ratio to "
                                           + "raw COPY %.2f%n", eventPhaseRate, eventPhaseRate / copyRate);
        }
        System.out.println(before.equals(after) ? "verify: IDENTICAL before and after"
                                                : "verify: DIFFERENT — see " + drill.work);
        if (!before.equals(after)) {
            System.exit(1);
        }
    }

    private static double rate(String restoredLine) {
        int open = restoredLine.lastIndexOf('(');
        return Double.parseDouble(restoredLine.substring(open + 1, restoredLine.indexOf(' ', open))
                                              .replace(",", ""));
    }

    /** The number before the last "events/s" of a line. */
    private static double lastRate(String line) {
        String before = line.substring(0, line.lastIndexOf(" events/s"));
        return Double.parseDouble(before.substring(before.lastIndexOf(' ') + 1).replace(",", ""));
    }

    private Process startService() throws Exception {
        Process service = new ProcessBuilder(command(List.of("--account.purge.hold=PT3S")))
                .redirectErrorStream(true).redirectOutput(work.resolve("service.log").toFile()).start();
        Instant deadline = Instant.now().plusSeconds(180);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (http.send(HttpRequest.newBuilder(local(8081, "/actuator/health/readiness"))
                                         .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return service;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("service not ready; see " + work.resolve("service.log"));
    }

    /** {@code path} on the drill's instance, at {@code port} of the embedded default moved by the offset. */
    private URI local(int port, String path) {
        return URI.create("http://localhost:" + (port + portOffset) + path);
    }

    private List<String> command(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                                                           .toString(), "-jar", jar.toString()));
        if (!arguments.isEmpty() && arguments.get(0).equals("token")) {
            command.addAll(arguments); // finds its key through ACCOUNT_DATA_DIR
            return command;
        }
        if (!arguments.isEmpty() && !arguments.get(0).startsWith("--")) {
            command.add(arguments.get(0));
            arguments = arguments.subList(1, arguments.size());
        }
        command.add("--account.data-dir=" + data);
        if (portOffset != 0) {
            command.addAll(List.of("--server.port=" + (8080 + portOffset),
                                   "--management.server.port=" + (8081 + portOffset),
                                   "--account.embedded.postgres.port=" + (5433 + portOffset),
                                   "--account.embedded.kafka.port=" + (9092 + portOffset),
                                   "--account.embedded.kafka.controller-port=" + (9093 + portOffset),
                                   "--account.embedded.kafka.plain-port=" + (9094 + portOffset)));
        }
        command.addAll(arguments);
        return command;
    }

    /** Runs the jar with {@code arguments} to completion; returns what it printed. */
    private String run(List<String> arguments, String name) throws Exception {
        List<String> command = command(arguments);
        Path output = work.resolve(name + ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                                                            .redirectOutput(output.toFile());
        builder.environment().put("ACCOUNT_DATA_DIR", data.toString());
        int status = builder.start().waitFor();
        String printed = Files.readString(output);
        if (status != 0) {
            throw new IllegalStateException(name + " exited with " + status + ":\n" + printed);
        }
        return printed.lines().filter(l -> !l.contains(" WARN ") && !l.contains(" INFO "))
                      .reduce("", (a, b) -> a + b + "\n");
    }

    private int send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(local(8080, path))
                                                 .header("Authorization", "Bearer " + token)
                                                 .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String status(UUID id) throws Exception {
        String body = http.send(HttpRequest.newBuilder(local(8080, "/accounts/" + id))
                                           .header("Authorization", "Bearer " + token).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
        int at = body.indexOf("\"status\":\"") + 10;
        return body.substring(at, body.indexOf('"', at));
    }

    private void awaitStatus(UUID id, String status) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!status(id).equals(status)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(id + " never became " + status);
            }
            Thread.sleep(200);
        }
    }

    /** Three lifecycles through the API: active (updates, plan change, activity), cancelled deletion, purged. */
    private List<UUID> templates() throws Exception {
        List<UUID> templates = new ArrayList<>();
        for (int kind = 0; kind < 3; kind++) {
            UUID id = UUID.randomUUID();
            send("POST", "/accounts", """
                    {"accountId":"%s","email":"drill-%s@example.com","displayName":"Drill","plan":"STANDARD"}"""
                    .formatted(id, id));
            send("PATCH", "/accounts/" + id + "/profile", "{\"displayName\":\"Drill Renamed\"}");
            if (kind == 0) {
                send("PUT", "/accounts/" + id + "/plan", "{\"plan\":\"PREMIUM\"}");
                for (int i = 0; i < 5; i++) {
                    send("POST", "/accounts/" + id + "/activity",
                         "{\"lastActivityAt\":\"" + Instant.now().plusSeconds(i) + "\"}");
                }
            } else {
                send("POST", "/accounts/" + id + "/deletion", "{\"reason\":\"drill\"}");
                awaitStatus(id, "QUARANTINED");
                if (kind == 1) {
                    send("POST", "/accounts/" + id + "/deletion/cancel", "{\"reason\":\"drill undo\"}");
                } else {
                    awaitStatus(id, "PURGED");
                }
            }
            templates.add(id);
        }
        return templates;
    }

    private Connection connect() throws Exception {
        // The embedded default's owner, with the password it generated in the drill's data folder.
        String password = Files.readString(data.resolve("keys/db-account_owner.password")).strip();
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + (5433 + portOffset) + "/accounts",
                                           "account_owner", password);
    }

    /** Copies of the templates, 8 active : 1 cancelled : 1 purged, until the store holds {@code target} events. */
    private long fill(List<UUID> templates, int target) throws Exception {
        Instant start = Instant.now();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            long stored = count(s);
            int[] shares = {8, 1, 1};
            while (stored < target) {
                for (int kind = 0; kind < templates.size(); kind++) {
                    UUID template = templates.get(kind);
                    int copies = 1_000 * shares[kind];
                    s.execute("create temp table drill_ids as select gen_random_uuid() as id "
                              + "from generate_series(1, " + copies + ")");
                    s.execute("""
                              insert into domain_event_entry (event_identifier, aggregate_identifier, sequence_number,
                                     type, time_stamp, payload_type, payload_revision, payload, meta_data)
                              select gen_random_uuid()::text, a.id::text, t.sequence_number, 'Account',
                                     clock_timestamp(), t.payload_type, t.payload_revision,
                                     convert_to(%2$s, 'UTF8'),
                                     t.meta_data
                              from drill_ids a cross join domain_event_entry t
                              where t.aggregate_identifier = '%1$s'
                              order by t.sequence_number, a.id""".formatted(template,
                                                                            Copies.payload("t.payload", template)));
                    s.execute("insert into account_data_key (key_id, wrapped_key) select a.id::text, k.wrapped_key "
                              + "from drill_ids a cross join account_data_key k where k.key_id = '" + template + "'");
                    s.execute("drop table drill_ids");
                }
                stored = count(s);
                System.out.printf(Locale.ROOT, "filled to %,d events%n", stored);
            }
            s.execute("analyze domain_event_entry");
            System.out.printf(Locale.ROOT, "filled in %.0f s%n", Duration.between(start, Instant.now()).toSeconds()
                                                                  * 1.0);
            return stored;
        }
    }

    private static long count(Statement s) throws Exception {
        try (var rows = s.executeQuery("select count(*) from domain_event_entry")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Until the publication lag and every projection's lag are 0: every event (and every key) is on Kafka, and the
     * report taken next covers complete projections.
     */
    private void awaitPublished(long events) throws Exception {
        Instant start = Instant.now();
        while (true) {
            String metrics = http.send(HttpRequest.newBuilder(local(8081,
                    "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString())
                                 .body();
            List<Double> lags = metrics.lines().filter(l -> l.startsWith("account_events_publication_lag")
                                                            || l.startsWith("account_projection_lag"))
                                       .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toList();
            if (!lags.isEmpty() && lags.stream().allMatch(lag -> lag == 0)) {
                double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
                System.out.printf(Locale.ROOT, "published to Kafka and projected in %.0f s (%,.0f events/s)%n", seconds,
                                  events / seconds);
                return;
            }
            Thread.sleep(1_000);
        }
    }

    /** The same rows, COPY'd out and into an identical empty table of the same PostgreSQL: the raw ceiling. */
    private double rawCopy() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            ByteArrayOutputStream rows = new ByteArrayOutputStream();
            long count = c.unwrap(PGConnection.class).getCopyAPI()
                          .copyOut("copy domain_event_entry to stdout (format binary)", rows);
            s.execute("create table drill_copy (like domain_event_entry including all)");
            c.setAutoCommit(false);
            long started = System.nanoTime();
            c.unwrap(PGConnection.class).getCopyAPI()
             .copyIn("copy drill_copy from stdin (format binary)", new ByteArrayInputStream(rows.toByteArray()));
            c.commit();
            double seconds = (System.nanoTime() - started) / 1e9;
            c.setAutoCommit(true);
            s.execute("drop table drill_copy");
            System.out.printf(Locale.ROOT, "raw COPY of %,d rows (same indexes): %.1f s, %,.0f rows/s%n", count,
                              seconds, count / seconds);
            return count / seconds;
        }
    }

    private void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
