package io.accountlifecycle.service.faults;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceProcess;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.embedded.KafkaCredentials;
import io.accountlifecycle.service.security.LocalTokens;
import io.accountlifecycle.service.security.TokenSettings;
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

/**
 * The embedded default — the service with its own PostgreSQL and Kafka broker — in a JVM of its own, in a fresh data
 * folder, as a user starts it; the test reaches its PostgreSQL and broker with the passwords the service generated
 * under {@code keys/}, and can find (and kill) its PostgreSQL processes.
 */
final class EmbeddedDefault implements AutoCloseable {

    private final Path data;
    private final ServiceProcess service;
    private final int postgresPort;
    private final int kafkaPort;
    private final String token;
    private final JdbcTemplate superuser;

    private EmbeddedDefault(Path data, ServiceProcess service, int postgresPort, int kafkaPort, String token) {
        this.data = data;
        this.service = service;
        this.postgresPort = postgresPort;
        this.kafkaPort = kafkaPort;
        this.token = token;
        this.superuser = new JdbcTemplate(new DriverManagerDataSource(url(), "postgres", superuserPassword()));
    }

    static EmbeddedDefault start(String name, List<String> extra) {
        Path directory = Path.of("target", "faults", name).toAbsolutePath();
        FileSystemUtils.deleteRecursively(directory.toFile());
        Path data = directory.resolve("data");
        int postgresPort = ServiceProcess.freePort();
        int kafkaPort = ServiceProcess.freePort();
        List<String> args = new ArrayList<>(List.of(
                "--account.data-dir=" + data,
                "--account.embedded.postgres.port=" + postgresPort,
                "--account.embedded.kafka.port=" + kafkaPort,
                "--account.embedded.kafka.controller-port=" + ServiceProcess.freePort(),
                "--account.embedded.kafka.plain-port=" + ServiceProcess.freePort(),
                // The load deletes many accounts: no second person is asked for in these tests.
                "--account.deletion.actor-max-accounts=1000000",
                "--account.deletion.total-max-accounts=1000000",
                "--account.deletion.breaker-requests-per-minute=100000",
                "--logging.level.org.axonframework=WARN"));
        args.addAll(extra);
        ServiceProcess service = ServiceProcess.start(name, directory, args, Duration.ofSeconds(180));
        String token = LocalTokens.loadOrCreate(data.resolve("keys/token-signing-key.json"),
                                                TokenSettings.DEFAULT_ISSUER)
                                  .mint("fault-suite", TestTokens.ALL_SCOPES, Duration.ofHours(2));
        return new EmbeddedDefault(data, service, postgresPort, kafkaPort, token);
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

    /** A client of the embedded broker as {@code user} (the product services' or the service's own). */
    Map<String, Object> kafka(String user) {
        return Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort,
                      "security.protocol", "SASL_PLAINTEXT",
                      "sasl.mechanism", KafkaCredentials.MECHANISM,
                      "sasl.jaas.config", KafkaCredentials.scramJaas(user, KafkaCredentials.password(
                              data.resolve("keys"), user)));
    }

    /** The postmaster's process id, from its lock file. */
    long postmaster() {
        return Long.parseLong(read(data.resolve("postgres/postmaster.pid")).lines().findFirst().orElseThrow().strip());
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
        service.close();
    }
}
