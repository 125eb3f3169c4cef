package io.accountlifecycle.service;

import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * The service's own jar in a JVM of its own, as it runs in production: a test can kill it without warning
 * ({@code SIGKILL}: no shutdown hook, no graceful anything), which a context inside the test's JVM cannot show.
 * Output goes to {@code <name>.log} next to its data.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;
    private final int managementPort;

    private ServiceProcess(String name, Process process, Path log, int port, int managementPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts the jar built by this module's {@code package} phase with {@code args}; waits until it is ready. */
    public static ServiceProcess start(String name, Path workDirectory, List<String> args, Duration timeout) {
        try {
            Files.createDirectories(workDirectory);
            int port = freePort();
            int managementPort = freePort();
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", ServiceJar.path().toString(),
                    "--server.port=" + port, "--management.server.port=" + managementPort,
                    "--spring.main.banner-mode=off"));
            command.addAll(args);
            Path log = workDirectory.resolve(name + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                                                         .redirectOutput(log.toFile()).start();
            ServiceProcess service = new ServiceProcess(name, process, log, port, managementPort);
            service.awaitReady(timeout);
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest readiness = HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort
                                                                  + "/actuator/health/readiness")).build();
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IOException.class)
                   .until(() -> {
                       if (!process.isAlive()) {
                           throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see "
                                                           + log);
                       }
                       return client.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                   });
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public int managementPort() {
        return managementPort;
    }

    /** A client with {@code token}. */
    public HttpJson http(String token) {
        return new HttpJson(port).withToken(token);
    }

    /** Everything it has written so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code SIGKILL}, and wait until it is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code SIGTERM}: a graceful stop, waited for. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
