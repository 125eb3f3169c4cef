package io.accountlifecycle.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The jar this module's {@code package} phase built, for tests that run the service as its users do. */
public final class ServiceJar {

    private ServiceJar() {
    }

    public static Path path() {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("account-service-.*\\.jar"))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("No service jar in target/: run the package "
                                                                     + "phase first (./mvnw verify does)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
