package io.accountlifecycle.service.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default's data folder and its keys folder are owner-only before anything is created in them, also
 * when they existed with wider modes; what lies inside keeps its own mode.
 */
class OwnerOnlyDataFolderTest {

    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withBean(OwnerOnlyDataFolder.class);

    @Test
    void theEmbeddedDefaultsDataAndKeysFoldersBecomeOwnerOnly() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("postgres"));
        Files.createDirectories(data.resolve("keys"));
        for (Path folder : new Path[]{data, data.resolve("postgres"), data.resolve("keys")}) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        runner.withPropertyValues("account.data-dir=" + data).run(context -> assertThat(context).hasNotFailed());

        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(data.resolve("keys"))).isEqualTo("rwx------");
        assertThat(mode(data.resolve("postgres"))).as("left to its owner").isEqualTo("rwxr-xr-x");
    }

    @Test
    void aFreshDataFolderIsCreatedOwnerOnly() throws Exception {
        Path data = dir.resolve("fresh");
        runner.withPropertyValues("account.data-dir=" + data,
                                  "spring.kafka.bootstrap-servers=kafka.example.test:9092")
              .run(context -> assertThat(context).hasNotFailed());
        assertThat(mode(data)).as("the embedded PostgreSQL keeps its data here").isEqualTo("rwx------");
        assertThat(mode(data.resolve("keys"))).isEqualTo("rwx------");
    }

    @Test
    void withNothingEmbeddedTheFolderIsNotCreated() {
        Path data = dir.resolve("unused");
        runner.withPropertyValues("account.data-dir=" + data,
                                  "spring.datasource.url=jdbc:postgresql://db.example.test/accounts",
                                  "spring.kafka.bootstrap-servers=kafka.example.test:9092")
              .run(context -> assertThat(context).hasNotFailed());
        assertThat(data).doesNotExist();
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
