package io.accountlifecycle.service.personal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generated master key is owner-only from its first byte, in an owner-only folder, and generated only once. */
class MasterKeyTest {

    @TempDir
    Path dir;

    private CryptoProperties properties(Path file) {
        return new CryptoProperties(null, file, false, Duration.ofMinutes(5), Duration.ofSeconds(2));
    }

    @Test
    void aGeneratedKeyIsOwnerOnlyAndNothingElseIsLeftBehind() throws Exception {
        Path keys = dir.resolve("data/keys");
        Path file = keys.resolve("master-key.json");

        byte[] sealed = MasterKey.load(properties(file), true).aead().encrypt("x".getBytes(StandardCharsets.UTF_8), null);

        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(mode(keys)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("data"))).as("a data folder it had to create").isEqualTo("rwx------");
        try (var files = Files.list(keys)) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
        // Read again, not generated again: what it sealed opens.
        assertThat(MasterKey.load(properties(file), true).aead().decrypt(sealed, null))
                .isEqualTo("x".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aKeyFileFromBeforeTheRuleIsRestrictedWhenRead() throws Exception {
        Path file = dir.resolve("master-key.json");
        Files.writeString(file, MasterKey.generateJson());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        MasterKey.load(properties(file), false);

        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void withoutLeaveToGenerateAMissingKeyIsAnError() {
        Path file = dir.resolve("missing/master-key.json");
        assertThatThrownBy(() -> MasterKey.load(properties(file), false))
                .hasMessageContaining("account.crypto.master-key");
        assertThat(file).doesNotExist();
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
