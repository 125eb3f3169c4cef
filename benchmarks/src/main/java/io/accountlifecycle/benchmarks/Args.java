package io.accountlifecycle.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with defaults. */
final class Args {

    private final Map<String, String> values = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        return Integer.parseInt(get(name, Integer.toString(fallback)));
    }

    /**
     * {@code --password}, or the embedded default's generated password of {@code user} (the file
     * {@code <--data-dir, default ./data>/keys/db-<user>.password}), or empty.
     */
    String databasePassword(String user) {
        String given = values.get("password");
        return given != null ? given : keyFile("db-" + user + ".password");
    }

    /**
     * SCRAM settings for a Kafka client: {@code --kafka-user} (default {@code product-service}, which may send
     * commands and read events and results) with {@code --kafka-password} or the embedded default's generated one;
     * none when neither exists (a plaintext cluster).
     */
    Map<String, Object> kafkaSecurity() {
        String user = get("kafka-user", "product-service");
        String password = values.getOrDefault("kafka-password", keyFile("kafka-" + user + ".password"));
        if (password.isEmpty()) {
            return Map.of();
        }
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
                      "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                                          + user + "\" password=\"" + password + "\";");
    }

    private String keyFile(String name) {
        Path file = Path.of(get("data-dir", "data"), "keys", name);
        try {
            return Files.exists(file) ? Files.readString(file).strip() : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
