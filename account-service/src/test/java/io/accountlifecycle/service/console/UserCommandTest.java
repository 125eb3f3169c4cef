package io.accountlifecycle.service.console;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class UserCommandTest {

    @TempDir
    Path folder;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        out.reset();
        err.reset();
        return UserCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                               new PrintStream(out, true, StandardCharsets.UTF_8),
                               new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void addsAPersonWithAHashedPasswordInAnOwnerOnlyFile() throws Exception {
        assertThat(run("a long enough password\n", "user", "add", "alice", "--scopes", "accounts:read,accounts:admin",
                       "--password-stdin", "--data-dir", folder.toString())).as(err.toString()).isZero();
        Path file = folder.resolve("keys/console-users.json");
        String content = Files.readString(file);
        assertThat(content).doesNotContain("a long enough password").contains("{bcrypt}");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        ConsoleUsers users = new ConsoleUsers(file);
        assertThat(users.scopesOf("alice")).containsExactly("accounts:read", "accounts:admin");
        assertThat(PasswordEncoderFactories.createDelegatingPasswordEncoder()
                                           .matches("a long enough password",
                                                    users.loadUserByUsername("alice").getPassword())).isTrue();
        assertThat(users.loadUserByUsername("alice").getAuthorities()).extracting(Object::toString)
                .as("a sign-in to the issuer opens no console action by itself").containsExactly("ISSUER_USER");

        assertThat(run("", "user", "list", "--data-dir", folder.toString())).isZero();
        assertThat(out.toString()).contains("alice\taccounts:read,accounts:admin");
        assertThat(run("", "user", "remove", "alice", "--data-dir", folder.toString())).isZero();
        assertThat(new ConsoleUsers(file).find("alice")).isEmpty();
    }

    @Test
    void refusesWhatWouldBeUnsafeOrWrong() {
        String dir = folder.toString();
        assertThat(run("short\n", "user", "add", "bob", "--scopes", "accounts:read", "--password-stdin",
                       "--data-dir", dir)).isEqualTo(2);
        assertThat(err.toString()).contains("at least 12 characters and at most 72 bytes");
        // bcrypt reads 72 bytes: a longer password is refused rather than silently cut.
        assertThat(run("x".repeat(73) + "\n", "user", "add", "bob", "--scopes", "accounts:read", "--password-stdin",
                       "--data-dir", dir)).isEqualTo(2);
        assertThat(run("a long enough password\n", "user", "add", "bob", "--scopes", "accounts:everything",
                       "--password-stdin", "--data-dir", dir)).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown scope accounts:everything");
        assertThat(run("", "user", "add", "bob", "--scopes", "accounts:read", "--data-dir", dir)).isEqualTo(2);
        assertThat(err.toString()).contains("--password-stdin");
        assertThat(run("a long enough password\n", "user", "add", "bad name!", "--scopes", "accounts:read",
                       "--password-stdin", "--data-dir", dir)).isEqualTo(2);
        assertThat(run("", "user", "remove", "nobody", "--data-dir", dir)).isEqualTo(1);
        assertThat(run("", "user", "add", "bob", "--scopes", "accounts:read", "--password-stdin", "--colour",
                       "blue", "--data-dir", dir)).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option --colour");
        assertThat(Files.exists(folder.resolve("keys/console-users.json"))).isFalse();
    }
}
