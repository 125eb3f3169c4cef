package io.accountlifecycle.service.faults;

import io.accountlifecycle.service.embedded.EmbeddedKafkaProperties;
import io.accountlifecycle.service.embedded.EmbeddedKafkaServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.awaitility.Awaitility.await;

/**
 * The embedded default's own broker ({@link EmbeddedKafkaServer}: KRaft, SCRAM, ACLs, its log in the data folder) in a
 * JVM of its own, so that a test can kill it and start it again on the same folder and ports — inside the service's
 * JVM it lives and dies with the service. Clients of the service's port are told to connect to {@code
 * advertisedPort} (a {@link io.accountlifecycle.testsupport.TcpProxy} in front of it); the SASL/PLAIN port is
 * advertised as itself, so the test's own clients reach the broker directly, past the proxy's faults.
 */
final class BrokerProcess implements AutoCloseable {

    private static final String READY = "BROKER READY";

    private final List<String> command;
    private final Path log;
    private Process process;
    private int starts;

    private BrokerProcess(List<String> command, Path log) {
        this.command = command;
        this.log = log;
    }

    static BrokerProcess start(Path data, int port, int controllerPort, int plainPort, int advertisedPort) {
        // A child of the test's JVM outlives it unless killed: never leave a broker behind a failed run.
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(),
                data.resolve("kafka").toString(), data.resolve("keys").toString(), Integer.toString(port),
                Integer.toString(controllerPort), Integer.toString(plainPort), Integer.toString(advertisedPort));
        BrokerProcess broker = new BrokerProcess(command, data.resolveSibling("broker.log"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (broker.process != null) {
                broker.process.destroyForcibly();
            }
        }));
        broker.start();
        return broker;
    }

    /** Starts the broker (again) on its folder and ports; returns once it serves clients. Running already: nothing. */
    void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Files.writeString(log, "--- start " + ++starts + "\n", java.nio.file.StandardOpenOption.CREATE,
                              java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                                                 .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                                                 .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = starts;
        try {
            await("the broker (start " + start + ") is ready; its log: " + log).atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("The broker exited; see " + log);
                    }
                    String text = Files.readString(log);
                    return text.substring(text.lastIndexOf("--- start " + start)).contains(READY);
                });
        } catch (RuntimeException notReady) {
            process.destroyForcibly(); // never left running past a failed start
            throw notReady;
        }
    }

    long pid() {
        return process.pid();
    }

    /** {@code SIGTERM}: a controlled shutdown, as in a rolling restart. */
    void stop() {
        process.destroy();
        await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive());
    }

    /** {@code SIGKILL}: no controlled shutdown, no flush; the next start recovers its log. */
    void kill() {
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive());
        }
    }

    /** The broker's JVM: {@code logDirectory keysDirectory port controllerPort plainPort advertisedPort}. */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaServer server;
        try {
            server = EmbeddedKafkaServer.start(new EmbeddedKafkaProperties(
                    Path.of(args[0]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[1]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5])));
        } catch (RuntimeException failed) {
            // Kafka's own threads would keep a broker that failed to start alive, and the test waiting for it.
            failed.printStackTrace();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println(READY);
        new CountDownLatch(1).await();
    }
}
