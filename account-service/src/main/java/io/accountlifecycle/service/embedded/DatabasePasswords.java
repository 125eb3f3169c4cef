package io.accountlifecycle.service.embedded;

import io.accountlifecycle.service.secrets.SecretFiles;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded PostgreSQL's generated passwords, one owner-only file per role under the data folder's {@code keys/}:
 * {@code db-postgres.password} (the superuser), {@code db-<owner>.password} (the schema owner, which runs the
 * migrations) and {@code db-account_app.password} (what the service runs as). Created once, kept across restarts.
 */
record DatabasePasswords(Path folder, String superuser, String owner, String application, boolean superuserCreated) {

    private static final int ENTROPY_BYTES = 24;

    static DatabasePasswords in(Path keysFolder, String ownerRole) {
        Path folder = SecretFiles.ownerOnlyFolder(keysFolder);
        Path superuserFile = fileOf(folder, EmbeddedPostgresServer.SUPERUSER);
        boolean superuserExisted = Files.exists(superuserFile);
        return new DatabasePasswords(folder, readOrCreate(superuserFile), readOrCreate(fileOf(folder, ownerRole)),
                                     readOrCreate(fileOf(folder, EmbeddedPostgresServer.APPLICATION_ROLE)),
                                     !superuserExisted);
    }

    Path superuserFile() {
        return fileOf(folder, EmbeddedPostgresServer.SUPERUSER);
    }

    static Path fileOf(Path folder, String role) {
        return folder.resolve("db-" + role + ".password");
    }

    private static String readOrCreate(Path file) {
        return SecretFiles.readOrCreate(file, () -> SecretFiles.randomPassword(ENTROPY_BYTES));
    }

    @Override
    public String toString() {
        return "DatabasePasswords[" + folder + "]"; // never the passwords themselves
    }
}
