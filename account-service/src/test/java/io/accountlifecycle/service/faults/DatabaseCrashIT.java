package io.accountlifecycle.service.faults;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL's crash cycle under a steady mixed load, on the embedded default: one of the service's backends is
 * killed with {@code SIGKILL}, so the postmaster ends every session and recovers from the WAL, as after a backend's
 * crash or the OOM killer. The service must refuse (503 with {@code Retry-After}) rather than fail while its
 * connections are gone, come back without a restart, and keep every invariant ({@link Invariants}).
 *
 * <p>To see it fail: make {@link Invariants#acknowledgedCommandsHaveExactlyOneEffect} expect two events per open, or
 * kill the backend with {@code -Dfaults.skipFault=true} (the test then refuses to judge: the fault did not happen).
 */
class DatabaseCrashIT {

    private static final Duration HOLD = Duration.ofSeconds(20);

    @Test
    void aKilledBackendsCrashCycleLosesNothingAcknowledged() throws Exception {
        try (EmbeddedDefault target = EmbeddedDefault.start("database-crash",
                                                            List.of("--account.purge.hold=" + HOLD))) {
            AtomicBoolean watching = new AtomicBoolean(true);
            AtomicInteger notReady = new AtomicInteger();
            Thread readiness = new Thread(() -> {
                while (watching.get()) {
                    if (target.readiness() != 200) {
                        notReady.incrementAndGet();
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "readiness-watch");
            readiness.setDaemon(true);
            readiness.start();
            Invariants invariants = new Invariants(target);
            try (MixedLoad load = MixedLoad.start(target)) {
                await("load under way").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                                       .untilAsserted(() -> assertThat(load.openedOverHttp.size() >= 100
                                                                       && load.kafkaResults.size() >= 50
                                                                       && !load.deletionsAcknowledged.isEmpty())
                                                                       .as(load.describe()).isTrue());

                List<Long> backends = target.serviceBackends();
                long postmaster = target.postmaster();
                assertThat(backends).as("the service's PostgreSQL sessions").isNotEmpty();
                long faultAt = System.nanoTime();
                if (!Boolean.getBoolean("faults.skipFault")) {
                    ProcessHandle.of(backends.get(0)).ifPresent(ProcessHandle::destroyForcibly);
                }
                // The fault really happened: the postmaster ended every session it had (its crash cycle).
                await("the crash cycle ends every session").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> backends.stream().noneMatch(pid -> ProcessHandle.of(pid)
                                                                                    .map(ProcessHandle::isAlive)
                                                                                    .orElse(false)));
                assertThat(target.postmaster()).as("the same postmaster recovered").isEqualTo(postmaster);
                await("commands served again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                                              .until(() -> load.lastAcknowledgedNanos.get() > faultAt
                                                           && target.readiness() == 200);
                long recoveredMillis = (load.lastAcknowledgedNanos.get() - faultAt) / 1_000_000;
                int acknowledgedAtRecovery = load.openedOverHttp.size();
                await("load after recovery").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                                            .until(() -> load.openedOverHttp.size() >= acknowledgedAtRecovery + 50);
                load.stop(Duration.ofSeconds(60));
                watching.set(false);
                readiness.join();

                int refused = load.status(503) + load.status(0);
                assertThat(refused + notReady.get()).as("refusals or /readyz DOWN seen during the crash cycle")
                                                    .isPositive();
                invariants.checkAll(load, HOLD);
                invariants.figures.put("recovered (fault -> a command acknowledged again), ms", recoveredMillis);
                invariants.figures.put("refused during the fault (503 / no answer)",
                                       load.status(503) + " / " + load.status(0));
                invariants.figures.put("/readyz not UP, samples of 50 ms", notReady.get());
                invariants.figures.forEach((name, value) -> System.out.printf("[faults] database crash cycle: %s: %s%n",
                                                                              name, value));
            }
        }
    }
}
