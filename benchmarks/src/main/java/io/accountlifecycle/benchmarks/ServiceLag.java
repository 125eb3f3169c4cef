package io.accountlifecycle.benchmarks;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far publication and the projections are behind the event store while a figure is taken: in events, and in
 * seconds, since a throughput figure counts only while that stays under a second.
 * <ul>
 * <li>Publication: while watching, in events and seconds from the events stored since the watch began against the
 * records account.events gained (see {@link Publication}); while draining, in events from the service's gauge
 * ({@code account_events_publication_lag} on the management port's {@code /actuator/prometheus}), which reads the
 * token store, where a segment stores its position only when it extends its claim, every few seconds, while the events
 * that pass are not its own.</li>
 * <li>Projections: from their processors' own positions ({@code GET /admin/projections}, with {@code --token} holding
 * accounts:admin), in seconds as the age of the oldest event beyond the slowest. Their gauge
 * ({@code account_projection_lag}) trails for the same reason: a projection that skips most events (audit-log,
 * deletion-batches) was seen hundreds of events behind under load while its processor was as current as the others.
 * The gauge is used only without a token.</li>
 * </ul>
 * <p>While watching, it reads no record and renders no {@code /actuator/prometheus} (given a token): with both, every
 * 500 ms, the instance's 8-connection HTTP figure came out about a fifth lower than without a watcher.
 * Modes:
 * <ul>
 * <li>{@code --mode watch}: samples every {@code --interval-ms} (500), account.events' end offsets among them (at
 * {@code --bootstrap}, 127.0.0.1:9092, as the embedded default's product user), until the file {@code --stop-file}
 * exists, then prints the largest lags seen.</li>
 * <li>{@code --mode drain}: waits until every lag is 0 (at most {@code --timeout} seconds, 600); prints how long it
 * took. Exits 1 if the lags did not drain.</li>
 * </ul>
 * The store is read as {@code --user} (account_owner, the embedded default's password from {@code --data-dir}).
 */
public final class ServiceLag {

    private static final Pattern GAUGE = Pattern.compile(
            "^(account_events_publication_lag|account_projection_lag)\\w*(?:\\{([^}]*)})? (\\S+)$");
    private static final Pattern PROJECTION = Pattern.compile("projection=\"([^\"]*)\"");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final Args args;
    private final URI metrics;
    private final URI projections;
    private final String token;
    private final Connection store;
    private final PreparedStatement oldestBeyond;
    private final PreparedStatement oldestAfter;

    private ServiceLag(Args args) throws Exception {
        this.args = args;
        this.metrics = URI.create(args.get("metrics", "http://localhost:8081/actuator/prometheus"));
        this.projections = URI.create(args.get("url", "http://localhost:8080") + "/admin/projections");
        this.token = args.get("token", null);
        String user = args.get("user", "account_owner");
        this.store = DriverManager.getConnection(args.get("jdbc", "jdbc:postgresql://localhost:5433/accounts"), user,
                                                 args.databasePassword(user));
        this.oldestBeyond = store.prepareStatement(
                "select time_stamp from domain_event_entry where global_index > "
                + "(select max(global_index) from domain_event_entry) - ? order by global_index limit 1");
        this.oldestAfter = store.prepareStatement(
                "select time_stamp, (select max(global_index) from domain_event_entry) - ? from domain_event_entry "
                + "where global_index > ? order by global_index limit 1");
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        ServiceLag lag = new ServiceLag(args);
        if (args.get("mode", "watch").equals("drain")) {
            if (!lag.drain(args.getInt("timeout", 600))) {
                System.exit(1);
            }
        } else {
            lag.watch(Path.of(args.get("stop-file", "stop")), args.getInt("interval-ms", 500));
        }
    }

    /** The publication lag in events, and the largest projection lag (the projection named) in events and seconds. */
    private record Sample(long publication, long projection, double projectionSeconds, String slowest) {

        Sample largest(Sample s) {
            boolean slower = s.projectionSeconds() > projectionSeconds();
            return new Sample(Math.max(publication, s.publication()), Math.max(projection, s.projection()),
                              Math.max(projectionSeconds, s.projectionSeconds()), slower ? s.slowest() : slowest);
        }

        boolean drained() {
            return publication == 0 && projection == 0;
        }
    }

    /** The gauges, and the projections' own positions when a token is given. */
    private Sample sample() throws Exception {
        String body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        long publication = -1;
        long gauge = -1;
        String slowestGauge = "";
        for (String line : body.lines().toList()) {
            Matcher m = GAUGE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long events = (long) Double.parseDouble(m.group(3));
            if (m.group(1).equals("account_events_publication_lag")) {
                publication = Math.max(publication, events);
            } else if (events > gauge) {
                gauge = events;
                Matcher name = PROJECTION.matcher(m.group(2) == null ? "" : m.group(2));
                slowestGauge = name.find() ? name.group(1) : "";
            }
        }
        if (publication < 0 || gauge < 0) {
            throw new IllegalStateException("no lag gauges at " + metrics);
        }
        if (token == null) {
            return new Sample(publication, gauge, age(gauge), slowestGauge);
        }
        Sample positions = positions();
        return new Sample(publication, positions.projection(), positions.projectionSeconds(), positions.slowest());
    }

    /**
     * The largest projection lag by the projections' own positions ({@code GET /admin/projections}); nothing else.
     * Without the gauges: rendering {@code /actuator/prometheus} took the instance about 30 ms of CPU each time.
     */
    private Sample positions() throws Exception {
        // The lowest position of any projection; one that has not handled an event since it started has none, and
        // is behind only if it says it has not caught up.
        long lowest = Long.MAX_VALUE;
        String slowest = "";
        HttpRequest request = HttpRequest.newBuilder(projections).header("Authorization", "Bearer " + token).build();
        for (JsonNode projection : JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body())) {
            JsonNode position = projection.path("position");
            long reached = position.isNumber() ? position.asLong()
                    : projection.path("caughtUp").asBoolean() ? Long.MAX_VALUE : 0;
            if (reached < lowest) {
                lowest = reached;
                slowest = projection.path("name").asString();
            }
        }
        long projection = 0;
        double projectionSeconds = 0;
        if (lowest != Long.MAX_VALUE) {
            oldestAfter.setLong(1, lowest);
            oldestAfter.setLong(2, lowest);
            try (ResultSet row = oldestAfter.executeQuery()) {
                if (row.next()) {
                    projectionSeconds = secondsSince(row.getTimestamp(1));
                    projection = row.getLong(2);
                }
            }
        }
        return new Sample(0, projection, projectionSeconds, slowest);
    }

    /** Seconds since the oldest of the newest {@code lag} events was stored; 0 for none. */
    private double age(long lag) throws Exception {
        if (lag == 0) {
            return 0;
        }
        oldestBeyond.setLong(1, lag);
        try (ResultSet row = oldestBeyond.executeQuery()) {
            if (!row.next()) {
                return 0;
            }
            return secondsSince(row.getTimestamp(1));
        }
    }

    private static double secondsSince(Timestamp stored) {
        return Math.max(0, System.currentTimeMillis() - stored.getTime()) / 1000.0;
    }

    private void watch(Path stopFile, int intervalMillis) throws Exception {
        Sample largest = new Sample(0, 0, 0, "");
        long unpublished = 0;
        double publicationSeconds = 0;
        long published = 0;
        int samples = 0;
        try (Publication publication = new Publication(args.get("bootstrap", "127.0.0.1:9092"), args.kafkaSecurity(),
                                                       store)) {
            System.out.println("watching");
            System.out.flush();
            while (!Files.exists(stopFile)) {
                long next = System.nanoTime() + intervalMillis * 1_000_000L;
                publication.sample();
                unpublished = Math.max(unpublished, publication.unpublished);
                publicationSeconds = Math.max(publicationSeconds, publication.seconds);
                published = publication.published;
                largest = largest.largest(token == null ? sample() : positions());
                samples++;
                long left = next - System.nanoTime();
                if (left > 0) {
                    Thread.sleep(left / 1_000_000L);
                }
            }
        }
        System.out.printf(Locale.ROOT, "largest lag over %d samples: publication %d events, %.2f s (store -> "
                                       + "account.events, %d events published); projections %d events, %.2f s%s%s%n",
                          samples, unpublished, publicationSeconds, published, largest.projection(),
                          largest.projectionSeconds(), named(largest.slowest()),
                          token == null ? " (by their gauges)" : " (by their positions)");
    }

    /**
     * Publication's lag while watching, without reading account.events: the events stored since the watch began
     * against the records account.events gained since then (the sum of its partitions' end offsets, one small request
     * to the broker), and the age of the oldest event not yet among them. The publisher is one segment sending every
     * event in the store's order, once unless a send is retried, so the n records published since are the first n
     * events stored since. Reading every record instead, as this did before, cost the instance about a fifth of its
     * HTTP figure: the broker is in the service's JVM.
     */
    private static final class Publication implements AutoCloseable {

        private final KafkaConsumer<String, String> kafka;
        private final List<TopicPartition> partitions;
        private final long fromOffsets;
        private final long fromIndex;
        private final PreparedStatement storedSince;
        private final PreparedStatement oldestUnpublished;
        long published;
        long unpublished;
        double seconds;

        Publication(String bootstrap, Map<String, Object> security, Connection store) throws Exception {
            Map<String, Object> properties = new HashMap<>(security);
            properties.put("bootstrap.servers", bootstrap);
            this.kafka = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
            this.partitions = kafka.partitionsFor("account.events").stream()
                                   .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            kafka.assign(partitions); // never polled; unassigned, every endOffsets logged a warning per partition
            this.storedSince = store.prepareStatement(
                    "select count(*) from domain_event_entry where global_index > ?");
            this.oldestUnpublished = store.prepareStatement(
                    "select time_stamp from domain_event_entry where global_index > ? order by global_index "
                    + "offset ? limit 1");
            // After a drain: nothing is unpublished, so what the topic holds now matches what the store holds now.
            this.fromOffsets = endOffsets();
            try (Statement query = store.createStatement();
                 ResultSet row = query.executeQuery("select coalesce(max(global_index), -1) from domain_event_entry")) {
                row.next();
                this.fromIndex = row.getLong(1);
            }
        }

        private long endOffsets() {
            return kafka.endOffsets(partitions, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue)
                        .sum();
        }

        void sample() throws Exception {
            published = endOffsets() - fromOffsets;
            storedSince.setLong(1, fromIndex);
            long stored;
            try (ResultSet row = storedSince.executeQuery()) {
                row.next();
                stored = row.getLong(1);
            }
            unpublished = Math.max(0, stored - published);
            seconds = 0;
            if (unpublished > 0) {
                oldestUnpublished.setLong(1, fromIndex);
                oldestUnpublished.setLong(2, published);
                try (ResultSet row = oldestUnpublished.executeQuery()) {
                    if (row.next()) {
                        seconds = secondsSince(row.getTimestamp(1));
                    }
                }
            }
        }

        @Override
        public void close() {
            kafka.close();
        }
    }

    private static String named(String projection) {
        return projection.isEmpty() ? "" : " (" + projection + ")";
    }

    private boolean drain(int timeoutSeconds) throws Exception {
        long started = System.nanoTime();
        Sample s = sample();
        while (!s.drained()) {
            if ((System.nanoTime() - started) / 1e9 > timeoutSeconds) {
                System.out.printf(Locale.ROOT, "not drained after %d s: publication %d events, projections %d "
                                               + "events%s%n", timeoutSeconds, s.publication(), s.projection(),
                                  named(s.slowest()));
                return false;
            }
            Thread.sleep(250);
            s = sample();
        }
        System.out.printf(Locale.ROOT, "drained in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return true;
    }
}
