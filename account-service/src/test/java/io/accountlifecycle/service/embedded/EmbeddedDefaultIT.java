package io.accountlifecycle.service.embedded;

import io.accountlifecycle.service.AccountServiceApplication;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.TestTokens;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The embedded default: no datasource configured, so the service runs its own PostgreSQL in its data folder. */
class EmbeddedDefaultIT {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(AccountServiceApplication.class)
                .run("--server.port=0",
                     "--account.data-dir=" + dataDir,
                     "--account.crypto.master-key-file=" + dataDir.resolve("keys/master-key.json"),
                     "--account.crypto.generate-master-key=false",
                     "--account.embedded.postgres.port=0",
                     "--account.embedded.kafka.port=0",
                     "--account.embedded.kafka.controller-port=0",
                     "--account.embedded.kafka.plain-port=0");
    }

    @Test
    void accountsSurviveAStopAndStartOfTheEmbeddedDefault() throws Exception {
        UUID id = UUID.randomUUID();
        try (var first = start()) {
            assertThat(first.getBean(EmbeddedPostgresServer.class)).isNotNull();
            assertThat(first.getBean(EmbeddedKafkaServer.class)).isNotNull();
            // application.yml's account.embedded.postgres.settings reach the cluster; the service's own win.
            EmbeddedPostgresServer postgres = first.getBean(EmbeddedPostgresServer.class);
            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "account_owner",
                                                                     postgres.ownerPassword());
                 ResultSet settings = connection.createStatement().executeQuery(
                         "select current_setting('checkpoint_timeout'), current_setting('max_wal_size'), "
                         + "current_setting('fsync'), current_setting('synchronous_commit')")) {
                settings.next();
                assertThat(List.of(settings.getString(1), settings.getString(2), settings.getString(3),
                                   settings.getString(4))).containsExactly("15min", "4GB", "on", "on");
            }
            HttpJson http = ServiceInstances.http(first);
            assertThat(http.post("/accounts", openAccountJson(id, "ada@example.com", "Ada", "FREE")).status())
                    .isEqualTo(201);
            // The Kafka intake consumes from the embedded broker on its own port (not spring.kafka's default 9092).
            UUID viaKafka = UUID.randomUUID();
            sendOpenAccount(first, viaKafka);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(
                    () -> assertThat(http.get("/accounts/" + viaKafka).status()).isEqualTo(200));
        }
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();
        assertThat(dataDir.resolve("kafka/meta.properties")).exists();
        assertThat(dataDir.resolve("keys/master-key.json")).as("generated once, because the database is embedded")
                                                            .exists();

        try (var second = start()) {
            HttpJson http = ServiceInstances.http(second);
            var state = http.get("/accounts/" + id).json();
            assertThat(state.get("email").asString()).isEqualTo("ada@example.com");
            assertThat(http.get("/accounts/" + id + "/events").json().get("totalItems").asLong()).isEqualTo(1);
        }
    }

    private void sendOpenAccount(ConfigurableApplicationContext context, UUID accountId) throws Exception {
        String password = KafkaCredentials.password(dataDir.resolve("keys"), KafkaCredentials.PRODUCT_USER);
        Map<String, Object> product = Map.of(
                "bootstrap.servers", context.getBean(EmbeddedKafkaServer.class).bootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", KafkaCredentials.MECHANISM,
                "sasl.jaas.config", KafkaCredentials.scramJaas(KafkaCredentials.PRODUCT_USER, password));
        String token = TestTokens.mint(context, "embedded-test", List.of("accounts:write"));
        var record = new ProducerRecord<>(KafkaTopics.COMMANDS, accountId.toString(), """
                {"commandId":"%s","type":"OpenAccount","accountId":"%s",
                 "payload":{"email":"kafka@example.com","displayName":"Kafka","plan":"FREE"}}"""
                .formatted(UUID.randomUUID(), accountId));
        record.headers().add("authorization", ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
        try (var producer = new KafkaProducer<>(product, new StringSerializer(), new StringSerializer())) {
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDataFolderFromBeforePasswordsIsConvertedAndTheServiceStarts() throws Exception {
        LegacyDataFolder.trustingPostgres(dataDir.resolve("postgres"));
        LegacyDataFolder.plaintextKafka(dataDir.resolve("kafka"), "legacy.topic", "k", "v");
        UUID id = UUID.randomUUID();
        try (var converted = start()) {
            HttpJson http = ServiceInstances.http(converted);
            assertThat(http.post("/accounts", openAccountJson(id, "ada@example.com", "Ada", "FREE")).status())
                    .isEqualTo(201);
            assertThat(http.get("/accounts/" + id).json().get("email").asString()).isEqualTo("ada@example.com");
            assertThat(eventKeysSeenBy(KafkaCredentials.PRODUCT_USER, converted.getBean(EmbeddedKafkaServer.class)))
                    .as("published over SCRAM, read by the local product user").contains(id.toString());
            EmbeddedPostgresServer postgres = converted.getBean(EmbeddedPostgresServer.class);
            for (String role : List.of("postgres", "account_owner", "account_app")) {
                assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(), role, "").close())
                        .as(role + " without its password").isInstanceOf(SQLException.class);
                String password = Files.readString(dataDir.resolve("keys/db-" + role + ".password")).strip();
                DriverManager.getConnection(postgres.jdbcUrl(), role, password).close();
            }
        }
        assertThat(EmbeddedPostgresServer.trusts(dataDir.resolve("postgres/pg_hba.conf"))).isFalse();
    }

    private List<String> eventKeysSeenBy(String user, EmbeddedKafkaServer broker) {
        Map<String, Object> properties = Map.of(
                "bootstrap.servers", broker.bootstrapServers(), "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", KafkaCredentials.MECHANISM,
                "sasl.jaas.config", KafkaCredentials.scramJaas(user, KafkaCredentials.password(dataDir.resolve("keys"),
                                                                                                 user)));
        List<String> keys = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(KafkaTopics.EVENTS).stream()
                                                      .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.currentTimeMillis() + 30_000;
            while (keys.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> keys.add(record.key()));
            }
        }
        return keys;
    }

    @Test
    void aPostmasterOrphanedByAKilledJvmIsStoppedAndTheNextStartAppliesItsOwnSettings() throws Exception {
        Path pgData = dataDir.resolve("pg");
        Process crashing = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                              "-cp", System.getProperty("java.class.path"),
                                              CrashingPostgresMain.class.getName(), pgData.toString())
                .redirectErrorStream(true).start();
        try (var output = new BufferedReader(new InputStreamReader(crashing.getInputStream()))) {
            String line;
            while ((line = output.readLine()) != null && !line.equals("READY")) {
                // zonky's start-up log
            }
            assertThat(line).as("the crashing JVM started its PostgreSQL").isEqualTo("READY");
            long orphanPid = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
            crashing.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, the postmaster lives on
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).contains(true);

            var properties = new EmbeddedPostgresProperties(pgData, 0, "accounts", "account_owner", null);
            try (EmbeddedPostgresServer restarted = EmbeddedPostgresServer.start(properties)) {
                long newPid = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
                assertThat(newPid).isNotEqualTo(orphanPid);
                try (Connection connection = DriverManager.getConnection(restarted.jdbcUrl(), "account_owner", restarted.ownerPassword());
                     ResultSet fsync = connection.createStatement().executeQuery("show fsync")) {
                    fsync.next();
                    assertThat(fsync.getString(1)).isEqualTo("on");
                }
            }
        } finally {
            crashing.destroyForcibly();
        }
    }

}
