package io.accountlifecycle.service.faults;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceProcess;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.embedded.KafkaCredentials;
import io.accountlifecycle.service.security.LocalTokens;
import io.accountlifecycle.service.security.TokenSettings;
import io.accountlifecycle.testsupport.TcpProxy;
import org.springframework.jdbc.core.JdbcTemplate;

import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The embedded default — the service with its own PostgreSQL and Kafka broker — in a JVM of its own, in a fresh data
 * folder, as a user starts it; the test reaches its PostgreSQL and broker with the passwords the service generated
 * under {@code keys/}, and can find (and kill) its PostgreSQL processes.
 */
final class EmbeddedDefault implements AutoCloseable {

    private final Path data;
    private final Path postgresData;
    /** The size-limited filesystem the PostgreSQL cluster lives on, or null. */
    private final Path volume;
    private final ServiceProcess service;
    private final int postgresPort;
    /** The broker's loopback SASL/PLAIN port: the test's own clients, never through the proxy. */
    private final int plainPort;
    private final BrokerProcess broker;
    private final TcpProxy brokerProxy;
    private final String token;
    private final JdbcTemplate superuser;

    private EmbeddedDefault(Path data, Path volume, ServiceProcess service, int postgresPort, int plainPort,
                            String token, BrokerProcess broker, TcpProxy brokerProxy) {
        this.data = data;
        this.broker = broker;
        this.brokerProxy = brokerProxy;
        this.volume = volume;
        this.postgresData = volume == null ? data.resolve("postgres") : volume.resolve("postgres");
        this.service = service;
        this.postgresPort = postgresPort;
        this.plainPort = plainPort;
        this.token = token;
        this.superuser = new JdbcTemplate(new DriverManagerDataSource(url(), "postgres", superuserPassword()));
    }

    static EmbeddedDefault start(String name, List<String> extra) {
        return start(name, extra, 0, false);
    }

    /**
     * As {@link #start(String, List)}, with the PostgreSQL cluster on a {@code tmpfs} of {@code volumeMegabytes} (a
     * disk that can fill up) when that is more than 0 and this test runs as root (see {@link #canLimitDisk()}), and,
     * with {@code brokerApart}, the embedded broker in a {@link BrokerProcess JVM of its own} behind a
     * {@link TcpProxy}: the service reaches it through the proxy only, and the test can kill, restart and stall it.
     */
    static EmbeddedDefault start(String name, List<String> extra, int volumeMegabytes, boolean brokerApart) {
        Path directory = Path.of("target", "faults", name).toAbsolutePath();
        Path data = directory.resolve("data");
        Path volume = volumeMegabytes > 0 && canLimitDisk() ? data.resolve("postgres-volume") : null;
        unmount(data.resolve("postgres-volume")); // left mounted by a run that was killed
        FileSystemUtils.deleteRecursively(directory.toFile());
        if (volume != null) {
            mount(volume, volumeMegabytes);
        }
        // Chosen together, so that no two are the same port (one at a time, a port just released can come back).
        int[] ports = freePorts(5);
        int postgresPort = ports[0];
        int kafkaPort = ports[1];
        int plainPort = ports[2];
        List<String> args = new ArrayList<>(List.of(
                "--account.data-dir=" + data,
                "--account.embedded.postgres.port=" + postgresPort,
                // The load deletes many accounts: no second person is asked for in these tests.
                "--account.deletion.actor-max-accounts=1000000",
                "--account.deletion.total-max-accounts=1000000",
                "--account.deletion.breaker-requests-per-minute=100000",
                "--logging.level.org.axonframework=WARN"));
        TcpProxy proxy = null;
        BrokerProcess broker = null;
        if (brokerApart) {
            proxy = TcpProxy.start(ports[4], kafkaPort);
            try {
                broker = BrokerProcess.start(data, kafkaPort, ports[3], plainPort, proxy.port());
            } catch (RuntimeException failed) {
                proxy.close();
                if (volume != null) {
                    unmount(volume);
                }
                throw failed;
            }
            // What the embedded default sets for itself, for a broker it did not start: SCRAM as its own user.
            args.addAll(List.of(
                    "--spring.kafka.bootstrap-servers=127.0.0.1:" + proxy.port(),
                    "--spring.kafka.security.protocol=SASL_PLAINTEXT",
                    "--spring.kafka.properties.sasl.mechanism=" + KafkaCredentials.MECHANISM,
                    "--spring.kafka.properties.sasl.jaas.config=" + KafkaCredentials.scramJaas(
                            KafkaCredentials.SERVICE_USER,
                            KafkaCredentials.password(data.resolve("keys"), KafkaCredentials.SERVICE_USER))));
        } else {
            args.addAll(List.of(
                    "--account.embedded.kafka.port=" + kafkaPort,
                    "--account.embedded.kafka.controller-port=" + ports[3],
                    "--account.embedded.kafka.plain-port=" + plainPort));
        }
        if (volume != null) {
            args.add("--account.embedded.postgres.data-directory=" + volume.resolve("postgres"));
            args.add("--account.embedded.postgres.keys-directory=" + data.resolve("keys"));
        }
        args.addAll(extra);
        ServiceProcess service;
        try {
            service = ServiceProcess.start(name, directory, args, Duration.ofSeconds(180));
        } catch (RuntimeException failed) {
            // Nothing left behind by a start that failed: the broker, its proxy, the mounted disk.
            if (broker != null) {
                broker.close();
                proxy.close();
            }
            if (volume != null) {
                unmount(volume);
            }
            throw failed;
        }
        String token = LocalTokens.loadOrCreate(data.resolve("keys/token-signing-key.json"),
                                                TokenSettings.DEFAULT_ISSUER)
                                  .mint("fault-suite", TestTokens.ALL_SCOPES, Duration.ofHours(2));
        return new EmbeddedDefault(data, volume, service, postgresPort, plainPort, token, broker, proxy);
    }

    /** {@code count} distinct ports nothing listens on right now. */
    private static int[] freePorts(int count) {
        List<java.net.ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new java.net.ServerSocket(0));
            }
            return sockets.stream().mapToInt(java.net.ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (java.net.ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // released anyway
                }
            }
        }
    }

    /** A size-limited {@code tmpfs} needs root (CI runs as root); elsewhere the disk-full scenario cannot run. */
    static boolean canLimitDisk() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void mount(Path at, int megabytes) {
        try {
            Files.createDirectories(at);
            run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0700", "tmpfs", at.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void unmount(Path at) {
        if (Files.isDirectory(at)) {
            try {
                new ProcessBuilder("umount", "-l", at.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the cluster lives on a disk of its own that {@link #fillDisk()} can fill. */
    boolean diskLimited() {
        return volume != null;
    }

    /**
     * Fills the cluster's filesystem to the last byte with a file of its own; returns how many bytes it took. The WAL
     * is switched to a fresh (fully allocated) segment first, so what runs out is room for table and index pages
     * ({@code could not extend file}, SQLSTATE 53100): a WAL write that cannot allocate its next segment makes
     * PostgreSQL PANIC instead, which is the crash scenarios' fault, and within a few seconds of a fresh segment it
     * does not need one.
     */
    long fillDisk() {
        superuser.execute("checkpoint"); // the WAL it no longer needs is recycled, not kept growing on the small disk
        superuser.queryForObject("select pg_switch_wal()::text", String.class);
        Path filler = volume.resolve("filler");
        byte[] block = new byte[1 << 20];
        long written = 0;
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            // No space left on device: that was the point. Single bytes for what a block no longer fits into.
            try (var out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
                while (true) {
                    out.write(0);
                    out.flush();
                    written++;
                }
            } catch (IOException fullToTheByte) {
                return written;
            }
        }
    }

    /** Space returns. */
    void freeDisk() {
        try {
            Files.deleteIfExists(volume.resolve("filler"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line the postmaster was started with (PostgreSQL writes it to {@code postmaster.opts}). */
    private String postmasterCommand() {
        return read(postgresData.resolve("postmaster.opts"));
    }

    private String stoppedPostmasterCommand;

    /**
     * Stops the whole PostgreSQL server at once, as {@code pg_ctl stop -m immediate} does (its {@code SIGQUIT}; pg_ctl
     * itself refuses to run as root): no checkpoint, every session cut; the next start recovers from the WAL.
     */
    void stopPostgresImmediately() {
        stoppedPostmasterCommand = postmasterCommand();
        long pid = postmaster();
        run("kill", "-QUIT", Long.toString(pid));
        await("the postmaster " + pid + " exits").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    /**
     * Starts the server again as its operator would, with the same binaries, folder, port and settings (the command
     * line from {@code postmaster.opts}); under {@code unshare -U} as root, as zonky starts it (PostgreSQL refuses to
     * run as root). Returns once it accepts connections.
     */
    void startPostgres() {
        if (stoppedPostmasterCommand == null) {
            return; // not stopped by this test
        }
        List<String> command = new ArrayList<>();
        if (io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of("sh", "-c", "exec " + stoppedPostmasterCommand));
        try {
            new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolveSibling("postgres-restarted.log")
                                                                          .toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await("PostgreSQL accepts connections again").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> superuser.queryForObject("select 1", Integer.class) == 1);
        stoppedPostmasterCommand = null;
    }

    ServiceProcess service() {
        return service;
    }

    String token() {
        return token;
    }

    HttpJson http() {
        return service.http(token);
    }

    /** The service's {@code /readyz} status code, 0 when it does not answer. */
    int readiness() {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()
                             .send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + "/readyz"))
                                              .timeout(Duration.ofSeconds(2)).build(),
                                   HttpResponse.BodyHandlers.discarding())
                             .statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** PostgreSQL's superuser (not the service's role), a new connection for each statement: it survives a crash. */
    JdbcTemplate superuser() {
        return superuser;
    }

    /** One session of its own as the superuser, as someone's psql: a transaction it begins stays open. */
    JdbcTemplate foreignSession() {
        return new JdbcTemplate(new SingleConnectionDataSource(url(), "postgres", superuserPassword(), true));
    }

    private String url() {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/accounts";
    }

    private String superuserPassword() {
        return read(data.resolve("keys/db-postgres.password"));
    }

    /**
     * A client of the embedded broker as {@code user} (the product services' or the service's own), on its loopback
     * SASL/PLAIN port: past the proxy, so the test's load and checks see the broker, not the service's faulty link.
     */
    Map<String, Object> kafka(String user) {
        return Map.of("bootstrap.servers", "127.0.0.1:" + plainPort,
                      "security.protocol", "SASL_PLAINTEXT",
                      "sasl.mechanism", "PLAIN",
                      "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                                          + "username=\"" + user + "\" password=\""
                                          + KafkaCredentials.password(data.resolve("keys"), user) + "\";");
    }

    /** The broker in its own JVM (started with {@code brokerApart}). */
    BrokerProcess broker() {
        return broker;
    }

    /** The proxy between the service and its broker (started with {@code brokerApart}). */
    TcpProxy brokerProxy() {
        return brokerProxy;
    }

    /** The postmaster's process id, from its lock file. */
    long postmaster() {
        return Long.parseLong(read(postgresData.resolve("postmaster.pid")).lines().findFirst().orElseThrow().strip());
    }

    /** Process ids of every child of {@code parent} (the postmaster's: its backends and background workers). */
    List<Long> children(long parent) {
        return ProcessHandle.of(parent).map(p -> p.children().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    /** Process ids of the backends serving the service's own connections. */
    List<Long> serviceBackends() {
        long postmaster = postmaster();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().matches("\\d+"))
                            .filter(p -> {
                                String stat = readQuietly(p.resolve("stat"));
                                String cmdline = readQuietly(p.resolve("cmdline")).replace('\0', ' ');
                                return !stat.isEmpty()
                                       && stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]
                                              .equals(Long.toString(postmaster))
                                       && cmdline.contains("account_app");
                            })
                            .map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException gone) {
            return "";
        }
    }

    @Override
    public void close() {
        // Each step on its own: one that fails must not leave a broker running or a tmpfs mounted.
        try {
            service.close();
        } finally {
            try {
                stopPostgresIfRunning();
            } finally {
                try {
                    if (volume != null) {
                        unmount(volume);
                    }
                } finally {
                    if (broker != null) {
                        broker.close();
                        brokerProxy.close();
                    }
                }
            }
        }
    }

    /**
     * A server this test started again is its child, not the service's: stopped here if it outlived the service
     * (continued first, should a failed scenario have left it stopped).
     */
    private void stopPostgresIfRunning() {
        long pid;
        try {
            pid = postmaster();
        } catch (UncheckedIOException noServer) {
            return; // no postmaster.pid: stopped already
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            List<String> everyProcess = new ArrayList<>(List.of("kill", "-CONT", Long.toString(pid)));
            children(pid).forEach(child -> everyProcess.add(Long.toString(child)));
            try {
                new ProcessBuilder(everyProcess).start().waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            run("kill", "-INT", Long.toString(pid));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                   .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        }
    }
}
