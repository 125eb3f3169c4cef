package io.accountlifecycle.service.faults;

import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.testsupport.TcpProxy;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Faults under a steady mixed load, on one embedded default (issue 20, ADR 16) — its PostgreSQL on a disk of its
 * own, its broker in a {@link BrokerProcess JVM of its own} behind a {@link TcpProxy}: each scenario starts a
 * {@link MixedLoad}, injects one fault, asserts the fault really happened, removes it, waits until commands are
 * acknowledged again, stops the load and checks every {@link Invariants invariant} over the whole store (the earlier
 * scenarios' events included), then prints what it measured ({@code [faults]} lines in the test's output, and one
 * {@code [faults-table]} row). The test command runs the short version; {@code benchmarks/faults.sh} the long one.
 *
 * <p>To see it fail: {@code -Dfaults.breakInvariant=true} counts every acknowledged open twice over, and
 * {@code -Dfaults.skipFault=true} injects nothing, so the check that the fault happened fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    /**
     * The long version ({@code benchmarks/faults.sh}) stretches every fault by {@code faults.scale}, repeats it
     * {@code faults.repeats} times in a row under one load, with {@code faults.loadSeconds} of load before each.
     */
    private static final int SCALE = Integer.getInteger("faults.scale", 1);
    private static final int REPEATS = Integer.getInteger("faults.repeats", 1);
    private static final int LOAD_SECONDS = Integer.getInteger("faults.loadSeconds", 0);
    private static final Duration HOLD = Duration.ofSeconds(4);
    /** Below the default (60 s), so that a transaction held open a few seconds is held past it. */
    private static final Duration GAP_TIMEOUT = Duration.ofSeconds(2);
    private static final boolean SKIP_FAULT = Boolean.getBoolean("faults.skipFault");
    private static final String READINESS = "/readyz during the fault, by status (0: no answer within 2 s)";

    private static EmbeddedDefault target;
    private static Invariants invariants;

    @BeforeAll
    static void start() {
        // The cluster on a disk of its own that the disk-full scenario fills (a tmpfs, as root).
        // The broker in a JVM of its own behind a proxy, so that it can be killed, restarted and stalled.
        target = EmbeddedDefault.start("fault-suite", List.of("--account.purge.hold=" + HOLD,
                "--account.eventstore.gap-timeout=" + GAP_TIMEOUT.toMillis()), 256 * SCALE, true);
        invariants = new Invariants(target);
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    /** A fault: injected under load, checked to have happened, then removed. */
    private interface Fault {
        void inject(MixedLoad load) throws Exception;

        void remove() throws Exception;

        /** A fault between the service and its broker: served again means a Kafka command accepted again. */
        default boolean onTheBroker() {
            return false;
        }
    }

    @Test
    @Order(1)
    void aKilledBackendsCrashCycle() throws Exception {
        List<Long> backends = new ArrayList<>();
        long[] postmaster = {0};
        run("database crash cycle (a backend killed as a purge falls due)", new Fault() {
            @Override
            public void inject(MixedLoad load) {
                // While a purge deadline falls due: one is due within the next 0.1-1.5 s when the backend dies.
                await("a purge deadline about to fall due").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(50)).until(() -> duePurgeDeadlines("100 milliseconds",
                                                                                           "1500 milliseconds") > 0);
                backends.clear(); // the long version's rounds: this round's sessions only
                backends.addAll(target.serviceBackends());
                postmaster[0] = target.postmaster();
                assertThat(backends).as("the service's PostgreSQL sessions").isNotEmpty();
                if (!SKIP_FAULT) {
                    ProcessHandle.of(backends.get(0)).ifPresent(ProcessHandle::destroyForcibly);
                }
                // It happened: the postmaster ended every session it had (its crash cycle), and stayed.
                await("the crash cycle ends every session").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> backends.stream().noneMatch(FaultSuiteIT::alive));
                assertThat(target.postmaster()).as("the same postmaster recovered").isEqualTo(postmaster[0]);
            }

            @Override
            public void remove() {
                // PostgreSQL recovers from the WAL by itself.
            }
        });
    }

    @Test
    @Order(2)
    void aForeignTransactionHoldsAnEventOpen() throws Exception {
        JdbcTemplate foreign = target.foreignSession();
        String[] held = {null};
        long[] publishedAfter = {0};
        long[] heldFor = {0};
        run("a foreign transaction holds a stored event open for " + lasting(4) + " s, past the gap timeout ("
            + GAP_TIMEOUT.toSeconds() + " s)", new Fault() {
            @Override
            public void inject(MixedLoad load) {
                // Someone's psql session: it appends an event (a copy of the first account's opening, with an id and
                // an account of its own) and keeps its transaction open while the service appends hundreds after
                // it. Its global index is a hole below every one of theirs until it commits: stock Axon would give
                // up on it after its gap timeout and never deliver it (ADR 3).
                foreign.execute("begin");
                held[0] = SKIP_FAULT ? "none" : foreign.queryForObject("""
                        insert into domain_event_entry (event_identifier, aggregate_identifier, sequence_number, type,
                                                        time_stamp, payload_type, payload_revision, payload, meta_data)
                        select gen_random_uuid()::text, ?, 0, type, now(), payload_type, payload_revision, payload,
                               convert_to('{"actor":"psql"}', 'UTF8')
                          from domain_event_entry where payload_type = 'io.accountlifecycle.api.AccountOpenedEvent'
                         order by global_index limit 1
                        returning event_identifier""", String.class, UUID.randomUUID().toString());
                long before = maxIndex();
                long started = System.nanoTime();
                await("events appended after the held one").atMost(within(30 + lasting(4)))
                        .pollInterval(Duration.ofMillis(200)).until(() -> maxIndex() > before + 100
                                                                          && past(started, lasting(4)));
                heldFor[0] = (System.nanoTime() - started) / 1_000_000;
            }

            @Override
            public void remove() {
                foreign.execute("commit");
                long committedAt = System.nanoTime();
                // How late the held event reached account.events (the invariants then find every event there).
                if (held[0] != null && !SKIP_FAULT) {
                    publishedAfter[0] = invariants.millisUntilPublished(held[0], committedAt);
                }
            }
        });
        System.out.printf("[faults] a foreign transaction: held open %d ms with %s; on account.events at most %d ms "
                          + "after its commit%n", heldFor[0], held[0], publishedAfter[0]);
    }

    @Test
    @Order(3)
    void theDatabaseStallsWithoutClosingConnections() throws Exception {
        List<Long> stopped = new ArrayList<>();
        Map<String, Object> figures = run("database stalled for " + lasting(3)
                                          + " s (SIGSTOP of every PostgreSQL process)", new Fault() {
            @Override
            public void inject(MixedLoad load) throws Exception {
                long postmaster = target.postmaster();
                stopped.clear();
                stopped.add(postmaster);
                stopped.addAll(target.children(postmaster));
                if (!SKIP_FAULT) {
                    signal("STOP", stopped);
                }
                long started = System.nanoTime();
                await("the stall is seen").atMost(within(lasting(3))).pollInterval(Duration.ofMillis(100))
                        .until(() -> past(started, lasting(3)));
            }

            @Override
            public void remove() throws Exception {
                signal("CONT", stopped);
            }
        });
        // Readiness reported the stall while it lasted (503, not a hanging probe), and recovered without a restart.
        assertThat(readinessDuringFault(figures)).as("/readyz answers during the stall").containsKey(503);
    }

    @Test
    @Order(4)
    void theDatabaseServerStopsAndStartsAgain() throws Exception {
        long[] postmaster = {0, 0};
        Map<String, Object> figures = run("database server stopped at once (SIGQUIT, pg_ctl's immediate mode) as a "
                                          + "purge falls due, started again " + lasting(2) + " s later", new Fault() {
            @Override
            public void inject(MixedLoad load) {
                await("a purge deadline about to fall due").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(50)).until(() -> duePurgeDeadlines("100 milliseconds",
                                                                                           "1500 milliseconds") > 0);
                postmaster[0] = target.postmaster();
                if (!SKIP_FAULT) {
                    target.stopPostgresImmediately();
                }
                long stopped = System.nanoTime();
                await("the server stays down").atMost(within(lasting(2)))
                        .pollInterval(Duration.ofMillis(100)).until(() -> past(stopped, lasting(2)));
            }

            @Override
            public void remove() {
                if (!SKIP_FAULT) {
                    target.startPostgres();
                }
                postmaster[1] = target.postmaster();
            }
        });
        // It happened: a new postmaster, which recovered from the WAL; readiness said so while it was down.
        assertThat(postmaster[1]).as("the postmaster after the restart").isNotEqualTo(postmaster[0]);
        assertThat(readinessDuringFault(figures)).as("/readyz answers while the server is down").containsKey(503);
    }

    @Test
    @Order(5)
    void theDatabaseDiskFills() throws Exception {
        assumeTrue(target.diskLimited(), "a size-limited tmpfs needs root (CI runs as root)");
        long[] filled = {0};
        int[] refused = {0};
        String outOfSpace = "Database out of disk space";
        run("database disk full for " + lasting(2) + " s (the cluster's tmpfs filled to the last byte)", new Fault() {
            @Override
            public void inject(MixedLoad load) {
                int before = load.refusals(outOfSpace);
                if (!SKIP_FAULT) {
                    filled[0] = target.fillDisk();
                }
                // It happened: commands refused as out of space (503, nothing stored), for 2 s at least.
                long full = System.nanoTime();
                await("commands refused for want of space").atMost(within(lasting(2)))
                        .pollInterval(Duration.ofMillis(50)).until(() -> load.refusals(outOfSpace) > before
                                                                         && past(full, lasting(2)));
                refused[0] = load.refusals(outOfSpace) - before;
            }

            @Override
            public void remove() {
                target.freeDisk();
            }
        });
        System.out.printf("[faults] database disk full: filled with %d MB; %d HTTP commands refused \"%s\"%n",
                          filled[0] >> 20, refused[0], outOfSpace);
    }

    @Test
    @Order(6)
    void theBrokerStopsAndStartsAgain() throws Exception {
        BrokerProcess broker = target.broker();
        TcpProxy proxy = target.brokerProxy();
        long[] pids = {broker.pid(), 0};
        long connectionsBefore = proxy.connectionsAccepted();
        run("broker stopped (SIGTERM, a controlled shutdown) mid-load, started again on its folder " + lasting(2)
            + " s later",
            new Fault() {
            @Override
            public void inject(MixedLoad load) {
                if (!SKIP_FAULT) {
                    broker.stop();
                }
                long stopped = System.nanoTime();
                await("the broker stays down").atMost(within(lasting(2)))
                        .pollInterval(Duration.ofMillis(100)).until(() -> past(stopped, lasting(2)));
            }

            @Override
            public void remove() {
                if (!SKIP_FAULT) {
                    broker.start();
                }
                pids[1] = broker.pid();
            }

            @Override
            public boolean onTheBroker() {
                return true;
            }
        });
        // It happened: another broker process, and the service's clients connected to it anew.
        assertThat(pids[1]).as("the broker's process after the restart").isNotEqualTo(pids[0]);
        assertThat(proxy.connectionsAccepted()).as("the service's connections to the broker")
                                               .isGreaterThan(connectionsBefore);
    }

    @Test
    @Order(7)
    void theLinkToTheBrokerStalls() throws Exception {
        TcpProxy proxy = target.brokerProxy();
        long[] held = {0};
        long[] forwardedAfter = {0};
        run("the service's connections to the broker stall for " + lasting(3) + " s (the proxy forwards nothing, "
            + "closes nothing)",
            new Fault() {
                @Override
                public void inject(MixedLoad load) {
                    long heldBefore = proxy.bytesHeldToServer() + proxy.bytesHeldToClient();
                    if (!SKIP_FAULT) {
                        proxy.pause();
                    }
                    long stalled = System.nanoTime();
                    // It happened: the service kept sending (produce, fetch, heartbeats) and nothing got through.
                    await("bytes held by the stalled link").atMost(within(lasting(3)))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> proxy.bytesHeldToServer() + proxy.bytesHeldToClient() > heldBefore
                                         && past(stalled, lasting(3)));
                    held[0] = proxy.bytesHeldToServer() + proxy.bytesHeldToClient() - heldBefore;
                    forwardedAfter[0] = proxy.bytesToServer();
                }

                @Override
                public void remove() {
                    proxy.resume();
                }

                @Override
                public boolean onTheBroker() {
                    return true;
                }
            });
        assertThat(proxy.bytesToServer()).as("bytes to the broker once the link resumed")
                                         .isGreaterThan(forwardedAfter[0]);
        System.out.printf("[faults] the link to the broker stalled: %d bytes held by the proxy%n", held[0]);
    }

    @Test
    @Order(8)
    void theBrokerRestartsWhilePublicationHasUnacknowledgedSends() throws Exception {
        BrokerProcess broker = target.broker();
        TcpProxy proxy = target.brokerProxy();
        long[] storedMeanwhile = {0};
        long[] receivedUnanswered = {0};
        long[] answersLost = {0};
        run("broker killed while publication has unacknowledged sends (its answers held back first), started again",
            new Fault() {
                @Override
                public void inject(MixedLoad load) {
                    long head = maxIndex();
                    // The broker takes the publisher's sends (events appended to account.events after the pause, as
                    // the test's own client sees past the proxy) but no acknowledgement comes back; the broker then
                    // dies with those sends unacknowledged, and the publisher must send them again. A pause that
                    // falls while the publisher awaits the answer to records the broker already had catches no new
                    // send (it sends nothing more until that answer comes): then the answers are let through, and
                    // once publication has moved on the pause is tried again.
                    long published = invariants.recordsOn(KafkaTopics.EVENTS);
                    long answersBefore = proxy.bytesHeldToClient();
                    for (int attempt = 1; ; attempt++) {
                        if (!SKIP_FAULT) {
                            proxy.pauseAnswers();
                        }
                        long before = published;
                        long held = answersBefore;
                        try {
                            await("events on account.events whose acknowledgement is held back")
                                    .atMost(Duration.ofSeconds(attempt < 6 ? 5 : 30))
                                    .pollInterval(Duration.ofMillis(100))
                                    .until(() -> invariants.recordsOn(KafkaTopics.EVENTS) > before
                                                 && proxy.bytesHeldToClient() > held);
                            break;
                        } catch (ConditionTimeoutException notYet) {
                            if (attempt >= 6) {
                                throw notYet;
                            }
                            proxy.resume();
                            await("publication going on once answers pass again").atMost(Duration.ofSeconds(30))
                                    .pollInterval(Duration.ofMillis(50))
                                    .until(() -> invariants.recordsOn(KafkaTopics.EVENTS) > before);
                            published = invariants.recordsOn(KafkaTopics.EVENTS);
                            answersBefore = proxy.bytesHeldToClient();
                            System.out.printf("[faults] no send caught under held answers in attempt %d; again%n",
                                              attempt);
                        }
                    }
                    storedMeanwhile[0] = maxIndex() - head;
                    receivedUnanswered[0] = invariants.recordsOn(KafkaTopics.EVENTS) - published;
                    answersLost[0] = proxy.bytesHeldToClient() - answersBefore;
                    if (!SKIP_FAULT) {
                        broker.kill();
                        proxy.dropAll();
                    }
                }

                @Override
                public void remove() {
                    // The link first: the restarted broker checks its users through its advertised port (the proxy).
                    proxy.resume();
                    if (!SKIP_FAULT) {
                        broker.start();
                    }
                }

                @Override
                public boolean onTheBroker() {
                    return true;
                }
            });
        System.out.printf("[faults] unacknowledged sends: %d events stored meanwhile; %d records appended to "
                          + "account.events whose acknowledgements (%d bytes of answers) never reached the service%n",
                          storedMeanwhile[0], receivedUnanswered[0], answersLost[0]);
    }

    @SuppressWarnings("unchecked")
    private static Map<Integer, AtomicInteger> readinessDuringFault(Map<String, Object> figures) {
        return (Map<Integer, AtomicInteger>) figures.get(READINESS);
    }

    /** Signals every process of {@code processes} still alive (a background worker may have ended meanwhile). */
    private static void signal(String signal, List<Long> processes) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes.stream().filter(FaultSuiteIT::alive).forEach(pid -> command.add(Long.toString(pid)));
        new ProcessBuilder(command).inheritIO().start().waitFor();
        if (signal.equals("STOP")) {
            assertThat(Files.readString(Path.of("/proc", processes.get(0).toString(), "stat")))
                    .as("the postmaster is stopped").matches("^\\d+ \\(.*\\) T .*\\s*$");
        }
    }

    /** Purge deadlines (the saga's, rows of db-scheduler's table) due between now + {@code from} and + {@code to}. */
    private static long duePurgeDeadlines(String from, String to) {
        return target.superuser().queryForObject(
                "select count(*) from scheduled_tasks where task_name = 'AxonDeadline' and execution_time between "
                + "now() + interval '" + from + "' and now() + interval '" + to + "'", Long.class);
    }

    private static long maxIndex() {
        return target.superuser().queryForObject("select coalesce(max(global_index), 0) from domain_event_entry",
                                                 Long.class);
    }

    /** A fault's length in seconds: {@code shortVersion} in the test command, stretched in the long version. */
    private static long lasting(int shortVersion) {
        return (long) shortVersion * SCALE;
    }

    /** Whether {@code seconds} have passed since {@code started} (a {@link System#nanoTime()}). */
    private static boolean past(long started, long seconds) {
        return System.nanoTime() - started > seconds * 1_000_000_000L;
    }

    private static Duration within(long seconds) {
        return Duration.ofSeconds(30 + seconds);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** One scenario under a fresh load; returns its figures (also printed). */
    private static Map<String, Object> run(String name, Fault fault) throws Exception {
        Map<Integer, AtomicInteger> readiness = new ConcurrentHashMap<>();
        AtomicBoolean faulty = new AtomicBoolean();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        watcher.scheduleWithFixedDelay(() -> {
            int status = target.readiness();
            if (faulty.get()) {
                readiness.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        Map<String, Long> phases = new java.util.LinkedHashMap<>();
        long[] phaseStarted = {System.nanoTime()};
        Runnable phase = () -> {
            long now = System.nanoTime();
            phases.put("phase " + (phases.size() + 1), (now - phaseStarted[0]) / 1_000_000);
            phaseStarted[0] = now;
        };
        try (MixedLoad load = MixedLoad.start(target)) {
            await("load under way").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                                   .untilAsserted(() -> assertThat(load.openedOverHttp.size() >= 30
                                                                   && load.kafkaResults.size() >= 20
                                                                   && !load.deletionsAcknowledged.isEmpty())
                                                                   .as(load.describe()).isTrue());
            long refusedBefore = load.status(503) + load.status(0);
            List<Long> recoveries = new ArrayList<>();
            for (int round = 1; round <= REPEATS; round++) {
                if (LOAD_SECONDS > 0) {
                    // The long version: minutes of load before each fault, several faults in a row.
                    await().pollDelay(Duration.ofSeconds(LOAD_SECONDS)).atMost(Duration.ofSeconds(LOAD_SECONDS + 1))
                           .until(() -> true);
                }
                phase.run();
                faulty.set(true);
                try {
                    fault.inject(load);
                    phase.run();
                } finally {
                    // Removed even when the check that it happened fails: the next scenarios need a sound target.
                    fault.remove();
                }
                long removedAt = System.nanoTime(); // a restarted server is serving again by now
                AtomicLong served = fault.onTheBroker() ? load.lastKafkaAcceptedNanos : load.lastAcknowledgedNanos;
                await("commands served again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                                              .until(() -> served.get() > removedAt && target.readiness() == 200);
                faulty.set(false);
                phase.run();
                recoveries.add(Math.max(0, (served.get() - removedAt) / 1_000_000));
            }
            int acknowledgedAtRecovery = load.openedOverHttp.size();
            await("load after recovery").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                                        .until(() -> load.openedOverHttp.size() >= acknowledgedAtRecovery + 15);
            phase.run();
            load.stop(Duration.ofSeconds(60));
            phase.run();

            invariants.figures.clear();
            invariants.checkAll(load, HOLD);
            phase.run();
            Map<String, Object> figures = invariants.figures;
            // Load under way, fault injected, removed and served again, load after recovery, stopped, checked.
            figures.put("scenario took (load, fault, removal to recovery, more load, stop, checks), ms",
                        phases.values());
            figures.put("recovered (fault removed -> a command acknowledged again), ms",
                        REPEATS == 1 ? recoveries.get(0) : recoveries);
            figures.put("refused during the fault (503 / no answer)",
                        (load.status(503) + load.status(0) - refusedBefore) + " (" + load.status(503) + " / "
                        + load.status(0) + " in the whole run)");
            figures.put("503 refusals in the whole run, by problem title", new java.util.TreeMap<>(load.refusalTitles));
            figures.put(READINESS, new java.util.TreeMap<>(readiness));
            figures.forEach((figure, value) -> System.out.printf("[faults] %s: %s: %s%n", name, figure, value));
            // One row of the table benchmarks/faults.sh prints (and the README shows).
            System.out.printf("[faults-table] | %s | %d | %s | %s | %s / %s | %s | %s |%n", name, REPEATS,
                              figures.get("recovered (fault removed -> a command acknowledged again), ms"),
                              load.status(503) + load.status(0) - refusedBefore,
                              figures.get("kafka commands answered more than once (duplicates absorbed)"),
                              figures.get("events published twice (de-duplicated by eventId)"),
                              figures.get("maximum publication lag (stored -> sent to account.events), ms"),
                              figures.get("events stored"));
            return figures;
        } finally {
            watcher.shutdownNow();
        }
    }
}
