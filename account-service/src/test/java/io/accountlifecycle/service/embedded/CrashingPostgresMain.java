package io.accountlifecycle.service.embedded;

import java.nio.file.Path;

/** Starts the embedded PostgreSQL in its own JVM and waits to be killed, leaving the postmaster orphaned. */
public final class CrashingPostgresMain {

    public static void main(String[] args) throws Exception {
        EmbeddedPostgresServer.start(new EmbeddedPostgresProperties(Path.of(args[0]), 0, "accounts", "account_owner", null));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
