package io.accountlifecycle.service.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Key files and the folders that hold them, readable by the service's own user only from the first byte: a file is
 * created with mode {@code 0600} (never written first and restricted after), under a name only this process uses,
 * then moved into place atomically; folders are {@code 0700}. On a file system without POSIX permissions the
 * folder's own protection applies.
 */
public final class SecretFiles {

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {
    }

    /** Creates {@code folder} (and missing parents) and makes it owner-only, also when it existed. */
    public static Path ownerOnlyFolder(Path folder) {
        try {
            Path absolute = folder.toAbsolutePath().normalize();
            if (posix()) {
                if (!Files.isDirectory(absolute)) {
                    Files.createDirectories(absolute, PosixFilePermissions.asFileAttribute(OWNER_FOLDER));
                }
                Files.setPosixFilePermissions(absolute, OWNER_FOLDER);
            } else {
                Files.createDirectories(absolute);
            }
            return absolute;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the owner-only folder " + folder, e);
        }
    }

    /** Writes {@code content} to {@code file} (its folder made owner-only), readable by the owner only throughout. */
    public static void write(Path file, String content) {
        Path absolute = file.toAbsolutePath().normalize();
        Path folder = ownerOnlyFolder(absolute.getParent());
        Path tmp = folder.resolve("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            FileAttribute<?>[] attributes = posix()
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                    : new FileAttribute<?>[0];
            try (FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                                                                     StandardOpenOption.WRITE), attributes)) {
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the key file " + absolute, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the file was moved into place, or the write failed and was reported
            }
        }
    }

    /** The file's content (trailing white space removed), or empty when it does not exist. */
    public static Optional<String> read(Path file) {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            tighten(file);
            return Optional.of(Files.readString(file).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the key file " + file, e);
        }
    }

    /**
     * The content of {@code file}; created from {@code generate} first if missing. Two processes racing to create it
     * end with one value: the loser reads the winner's.
     */
    public static String readOrCreate(Path file, Supplier<String> generate) {
        Optional<String> existing = read(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        String value = generate.get();
        Path absolute = file.toAbsolutePath().normalize();
        Path folder = ownerOnlyFolder(absolute.getParent());
        Path tmp = folder.resolve("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".new");
        try {
            write(tmp, value);
            try {
                Files.createLink(absolute, tmp); // fails if another process created it meanwhile
            } catch (FileAlreadyExistsException raced) {
                return read(absolute).orElseThrow();
            } catch (UnsupportedOperationException | IOException noLinks) {
                if (Files.exists(absolute)) {
                    return read(absolute).orElseThrow();
                }
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the key file " + absolute, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** A random password of {@code bytes} bytes of entropy, URL-safe Base64 without padding. */
    public static String randomPassword(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Restricts an existing key file to its owner (files from before this rule). */
    public static void tighten(Path file) {
        if (!posix() || !Files.exists(file)) {
            return;
        }
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_FILE)) {
                Files.setPosixFilePermissions(file, OWNER_FILE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restrict the key file " + file + " to its owner", e);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
