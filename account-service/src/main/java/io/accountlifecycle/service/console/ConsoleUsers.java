package io.accountlifecycle.service.console;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.service.secrets.SecretFiles;
import io.accountlifecycle.service.security.ConsolePeople;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The people who may sign in to the console through the local issuer of the embedded default: one owner-only JSON file
 * under the data folder's {@code keys/}, written by the jar's {@code user} command and read at every sign-in (a user
 * added while the service runs can sign in at once). Passwords are kept as Spring Security's delegating hashes
 * ({@code {bcrypt}…}); the scopes are the README's, and decide what the person sees and may do.
 */
public final class ConsoleUsers implements UserDetailsService, ConsolePeople {

    /** The authority of a person signed in to the local issuer: it opens the issuer's endpoints, never the console. */
    public static final String ISSUER_USER = "ISSUER_USER";
    public static final int MIN_PASSWORD_LENGTH = 12;
    /** bcrypt reads no more than 72 bytes of a password (and Spring's refuses longer ones). */
    public static final int MAX_PASSWORD_BYTES = 72;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PasswordEncoder PASSWORDS = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    private final Path file;

    public ConsoleUsers(Path file) {
        this.file = file;
    }

    public static Path defaultFile(Path dataDir) {
        return dataDir.resolve("keys").resolve("console-users.json");
    }

    /** One person: the password's hash and the scopes they hold. */
    public record Entry(String passwordHash, List<String> scopes) {
    }

    public Map<String, Entry> all() {
        Optional<String> content = SecretFiles.read(file);
        if (content.isEmpty() || content.get().isBlank()) {
            return new TreeMap<>();
        }
        try {
            return JSON.readValue(content.get(), new TypeReference<TreeMap<String, Entry>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("The console users file " + file + " is not valid JSON", e);
        }
    }

    public Optional<Entry> find(String name) {
        return Optional.ofNullable(all().get(name));
    }

    /** Adds {@code name}, or replaces its password and scopes. */
    public synchronized void put(String name, CharSequence password, List<String> scopes) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A user name is 1-64 letters, digits, '.', '_', '@' or '-', "
                                               + "beginning with a letter or digit");
        }
        if (password.length() < MIN_PASSWORD_LENGTH
            || password.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException("A password has at least " + MIN_PASSWORD_LENGTH + " characters and at "
                                               + "most " + MAX_PASSWORD_BYTES + " bytes in UTF-8 (bcrypt's limit)");
        }
        Map<String, Entry> users = all();
        users.put(name, new Entry(PASSWORDS.encode(password), List.copyOf(scopes)));
        write(users);
    }

    public synchronized boolean remove(String name) {
        Map<String, Entry> users = all();
        boolean removed = users.remove(name) != null;
        if (removed) {
            write(users);
        }
        return removed;
    }

    private void write(Map<String, Entry> users) {
        try {
            SecretFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(users) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the console users file " + file, e);
        }
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        Entry entry = find(username).orElseThrow(() -> new UsernameNotFoundException("No console user " + username));
        return User.withUsername(username)
                   .password(entry.passwordHash())
                   .authorities(new SimpleGrantedAuthority(ISSUER_USER))
                   .build();
    }

    /** The scopes {@code name} holds; none for a person not (or no longer) in the file. */
    public List<String> scopesOf(String name) {
        return find(name).map(Entry::scopes).orElse(List.of());
    }

    @Override
    public Optional<List<String>> currentScopes(String name) {
        return find(name).map(Entry::scopes);
    }
}
