package io.accountlifecycle.benchmarks;

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
import java.sql.Timestamp;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far publication and the projections are behind the event store while a figure is taken, from the service's own
 * gauges ({@code account_events_publication_lag} and {@code account_projection_lag} per projection, on the management
 * port's {@code /actuator/prometheus}): in events, and in seconds as the age of the oldest event stored beyond the
 * lag (read from the event store), since a throughput figure counts only while that stays under a second.
 * <ul>
 * <li>{@code --mode watch}: samples every {@code --interval-ms} (500) until the file {@code --stop-file} exists, then
 * prints the largest lags seen.</li>
 * <li>{@code --mode drain}: waits until every lag is 0 (at most {@code --timeout} seconds, 600); prints how long it
 * took. Exits 1 if the lags did not drain.</li>
 * </ul>
 * The store is read as {@code --user} (account_owner, the embedded default's password from {@code --data-dir}).
 */
public final class ServiceLag {

    private static final Pattern GAUGE = Pattern.compile(
            "^(account_events_publication_lag|account_projection_lag)\\w*(?:\\{([^}]*)})? (\\S+)$");
    private static final Pattern PROJECTION = Pattern.compile("projection=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI metrics;
    private final Connection store;
    private final PreparedStatement oldestBeyond;

    private ServiceLag(Args args) throws Exception {
        this.metrics = URI.create(args.get("metrics", "http://localhost:8081/actuator/prometheus"));
        String user = args.get("user", "account_owner");
        this.store = DriverManager.getConnection(args.get("jdbc", "jdbc:postgresql://localhost:5433/accounts"), user,
                                                 args.databasePassword(user));
        this.oldestBeyond = store.prepareStatement(
                "select time_stamp from domain_event_entry where global_index > "
                + "(select max(global_index) from domain_event_entry) - ? order by global_index limit 1");
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

    /** One scrape: the publication lag and the largest projection lag, in events and seconds. */
    private record Sample(long publication, long projection, String slowest, double publicationSeconds,
                          double projectionSeconds) {
    }

    private Sample sample() throws Exception {
        String body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        long publication = -1;
        long projection = -1;
        String slowest = "";
        for (String line : body.lines().toList()) {
            Matcher m = GAUGE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long events = (long) Double.parseDouble(m.group(3));
            if (m.group(1).equals("account_events_publication_lag")) {
                publication = Math.max(publication, events);
            } else if (events > projection) {
                projection = events;
                Matcher name = PROJECTION.matcher(m.group(2) == null ? "" : m.group(2));
                slowest = name.find() ? name.group(1) : "";
            }
        }
        if (publication < 0 || projection < 0) {
            throw new IllegalStateException("no lag gauges at " + metrics);
        }
        return new Sample(publication, projection, slowest, age(publication), age(projection));
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
            Timestamp stored = row.getTimestamp(1);
            return Math.max(0, System.currentTimeMillis() - stored.getTime()) / 1000.0;
        }
    }

    private void watch(Path stopFile, int intervalMillis) throws Exception {
        Sample largest = new Sample(0, 0, "", 0, 0);
        int samples = 0;
        System.out.println("watching");
        System.out.flush();
        do {
            Sample s = sample();
            samples++;
            largest = new Sample(Math.max(largest.publication(), s.publication()),
                                 Math.max(largest.projection(), s.projection()),
                                 s.projectionSeconds() > largest.projectionSeconds() ? s.slowest() : largest.slowest(),
                                 Math.max(largest.publicationSeconds(), s.publicationSeconds()),
                                 Math.max(largest.projectionSeconds(), s.projectionSeconds()));
            Thread.sleep(intervalMillis);
        } while (!Files.exists(stopFile));
        System.out.printf(Locale.ROOT, "largest lag over %d samples: publication %d events, %.2f s; projections %d "
                                       + "events, %.2f s%s%n", samples, largest.publication(),
                          largest.publicationSeconds(), largest.projection(), largest.projectionSeconds(),
                          largest.slowest().isEmpty() ? "" : " (" + largest.slowest() + ")");
    }

    private boolean drain(int timeoutSeconds) throws Exception {
        long started = System.nanoTime();
        Sample s = sample();
        while (s.publication() > 0 || s.projection() > 0) {
            if ((System.nanoTime() - started) / 1e9 > timeoutSeconds) {
                System.out.printf(Locale.ROOT, "not drained after %d s: publication %d events, projections %d "
                                               + "events (%s)%n", timeoutSeconds, s.publication(), s.projection(),
                                  s.slowest());
                return false;
            }
            Thread.sleep(250);
            s = sample();
        }
        System.out.printf(Locale.ROOT, "drained in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return true;
    }
}
