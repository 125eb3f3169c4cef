package io.accountlifecycle.service.recovery;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.testsupport.KafkaServer;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A database backup still holds the wrapped data keys of accounts purged since it was taken. After the master key is
 * rotated every account still opens, and once the retired key is destroyed the backup opens no purged account.
 */
@RealPostgres(database = MasterKeyRotationIT.DATABASE)
@RealKafka
class MasterKeyRotationIT {

    static final String DATABASE = "accounts_rotation";

    @TempDir
    Path keys;

    /** A broker of its own: the restore at the end reads whole topics, which must hold this test's records only. */
    private static KafkaServer kafka;

    @BeforeAll
    static void startBroker() {
        kafka = TestInfrastructure.dedicatedKafka();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    private String[] service(String... extra) {
        return serviceWith(keys.resolve("master-key.json"), extra);
    }

    private String[] serviceWith(Path masterKey, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--account.crypto.master-key-file=" + masterKey,
                "--account.crypto.generate-master-key=true", "--account.purge.hold=PT3S",
                "--account.kafka.intake.enabled=false"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private String rotate(String... options) {
        return rotate(DATABASE, 0, options);
    }

    private String rotate(String database, int expectedStatus, String... options) {
        List<String> args = new ArrayList<>(List.of(RotateMasterKeyCommand.NAME));
        args.addAll(List.of(options));
        // The service's configuration, as an operator's Job would give it (the command turns every role off itself).
        args.addAll(ServiceInstances.arguments(kafka, database, "rotation-it",
                                               "--account.crypto.master-key-file=" + keys.resolve("master-key.json")));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = RotateMasterKeyCommand.run(args.toArray(String[]::new),
                                                new PrintStream(output, true, StandardCharsets.UTF_8));
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(status).as("rotate-master-key %s printed:%n%s", List.of(options), printed)
                          .isEqualTo(expectedStatus);
        return printed;
    }

    @Test
    void afterARotationEveryAccountOpensAndABackupFromBeforeItOpensNoPurgedAccountOnceTheOldKeyIsDestroyed()
            throws Exception {
        UUID kept = UUID.randomUUID();
        UUID purged = UUID.randomUUID();
        JdbcTemplate owner = ServiceInstances.owner(DATABASE);
        byte[] backupOfPurged;
        try (ConfigurableApplicationContext running = ServiceInstances.startOn(kafka, DATABASE, "rotation-it", service())) {
            HttpJson http = ServiceInstances.http(running);
            assertThat(http.post("/accounts", HttpJson.openAccountJson(kept, "kept@example.com", "Kept", "FREE"))
                           .status()).isEqualTo(201);
            assertThat(http.post("/accounts", HttpJson.openAccountJson(purged, "gone@example.com", "Gone", "FREE"))
                           .status()).isEqualTo(201);
            // The nightly backup, taken while both accounts were alive.
            backupOfPurged = wrappedKey(owner, purged);
            awaitFoundByEmail(http, "Kept@example.com", kept);
            assertThat(http.post("/accounts/" + purged + "/deletion", "{\"reason\":\"customer left\"}").status())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/accounts/" + purged).json().get("status")
                                                                   .asString().equals("PURGED"));
        }
        assertThat(opens(backupOfPurged, purged)).as("before any rotation the backup opens the purged account")
                                                 .isTrue();

        String rotated = rotate("--actor=ops-alice");
        assertThat(rotated).contains("New master key").contains("Data keys wrapped again")
                           .contains("The email index key wrapped again");
        assertThat(keyset().size()).isEqualTo(2);
        assertThat(owner.queryForObject("select count(*) from domain_event_entry where payload_type like "
                                        + "'%MasterKeyRotatedEvent'", Integer.class)).isEqualTo(1);
        try (ConfigurableApplicationContext running = ServiceInstances.startOn(kafka, DATABASE, "rotation-it", service())) {
            assertThat(ServiceInstances.http(running).get("/accounts/" + kept).json().get("email").asString())
                    .isEqualTo("kept@example.com");
            awaitFoundByEmail(ServiceInstances.http(running), "kept@example.com", kept);
        }
        assertThat(opens(backupOfPurged, purged)).as("the retired key still opens the backup until destroyed")
                                                 .isTrue();

        assertThat(rotate("--destroy-retired", "--actor=ops-alice")).contains("Destroyed retired master keys");
        assertThat(keyset().size()).isEqualTo(1);
        assertThat(opens(backupOfPurged, purged)).as("the backup opens no purged account any more").isFalse();
        try (ConfigurableApplicationContext running = ServiceInstances.startOn(kafka, DATABASE, "rotation-it", service())) {
            HttpJson http = ServiceInstances.http(running);
            assertThat(http.get("/accounts/" + kept).json().get("email").asString()).isEqualTo("kept@example.com");
            awaitFoundByEmail(http, "kept@example.com", kept);
            assertThat(http.post("/accounts", HttpJson.openAccountJson(UUID.randomUUID(), "new@example.com", "New",
                                                                       "FREE")).status()).isEqualTo(201);
        }
        assertThat(owner.queryForObject("select count(*) from domain_event_entry where payload_type like "
                                        + "'%RetiredMasterKeysDestroyedEvent'", Integer.class)).isEqualTo(1);

        // The database is lost after all that: history tagged under the destroyed key still verifies, because the
        // rotation carried its tag key forward on account.keys.
        String restored = DATABASE + "_restored";
        List<String> restore = new ArrayList<>(List.of("restore"));
        restore.addAll(ServiceInstances.arguments(kafka, restored, "rotation-it-restore",
                                                  "--account.crypto.master-key-file=" + keys.resolve("master-key.json")));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = RecoveryCommand.run(restore.toArray(String[]::new),
                                         new PrintStream(output, true, StandardCharsets.UTF_8));
        assertThat(status).as(output.toString(StandardCharsets.UTF_8)).isZero();
        try (ConfigurableApplicationContext running = ServiceInstances.startOn(kafka, restored, "rotation-it-restored",
                                                                               service())) {
            HttpJson http = ServiceInstances.http(running);
            assertThat(http.get("/accounts/" + kept).json().get("email").asString()).isEqualTo("kept@example.com");
            assertThat(http.get("/accounts/" + purged).json().get("status").asString()).isEqualTo("PURGED");
            // The index went with the database and its key: rebuilt by the restore under a new key.
            awaitFoundByEmail(http, "kept@example.com", kept);
            assertThat(search(http, "gone@example.com")).isEmpty();
        }
    }

    /** The email index still finds the account: its key opens under the master keyset of the moment. */
    private static void awaitFoundByEmail(HttpJson http, String email, UUID account) {
        await().atMost(Duration.ofSeconds(30)).until(() -> search(http, email).equals(List.of(account.toString())));
    }

    private static List<String> search(HttpJson http, String email) {
        HttpJson.Response found = http.post("/admin/accounts/search", "{\"email\":\"" + email + "\"}");
        assertThat(found.status()).as(found.raw()).isEqualTo(200);
        return found.json().get("accounts").valueStream().map(a -> a.get("accountId").asString()).toList();
    }

    private static byte[] wrappedKey(JdbcTemplate owner, UUID account) {
        return owner.queryForObject("select wrapped_key from account_data_key where key_id = ?", byte[].class,
                                    account.toString());
    }

    private KeysetHandle keyset() throws Exception {
        return TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(keys.resolve("master-key.json")),
                                                     InsecureSecretKeyAccess.get());
    }

    private boolean opens(byte[] wrapped, UUID account) throws Exception {
        Aead master = keyset().getPrimitive(RegistryConfiguration.get(), Aead.class);
        try {
            TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, master,
                                                       ("account-data-key:" + account).getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Test
    void destroyingWaitsUntilNoDataKeyIsWrappedUnderARetiredKey() throws Exception {
        String database = DATABASE + "_stale";
        Path oldKeyset = keys.resolve("old-master-key.json");
        try (var running = ServiceInstances.startOn(kafka, database, "rotation-it", service())) {
            assertThat(ServiceInstances.http(running).post("/accounts", HttpJson.openAccountJson(
                    UUID.randomUUID(), "first@example.com", "First", "FREE")).status()).isEqualTo(201);
        }
        Files.copy(keys.resolve("master-key.json"), oldKeyset);
        rotate(database, 0);
        // An instance nobody restarted yet: it still wraps new data keys under the retired key.
        try (var stale = ServiceInstances.startOn(kafka, database, "rotation-it",
                                                serviceWith(oldKeyset))) {
            assertThat(ServiceInstances.http(stale).post("/accounts", HttpJson.openAccountJson(
                    UUID.randomUUID(), "late@example.com", "Late", "FREE")).status()).isEqualTo(201);
        }
        assertThat(rotate(database, 1, "--destroy-retired"))
                .contains("1 data keys are still wrapped under a retired master key");
        assertThat(keyset().size()).as("nothing destroyed").isEqualTo(2);

        assertThat(rotate(database, 0, "--rewrap-only")).contains("Data keys wrapped again: 2");
        assertThat(rotate(database, 0, "--destroy-retired")).contains("Destroyed retired master keys");
        assertThat(keyset().size()).isEqualTo(1);
    }
}
