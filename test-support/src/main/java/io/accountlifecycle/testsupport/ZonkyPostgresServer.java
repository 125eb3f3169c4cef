package io.accountlifecycle.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;

/** zonky's real PostgreSQL binaries, for machines without a Docker engine. */
final class ZonkyPostgresServer extends PostgresServer {

    private final EmbeddedPostgres postgres;

    private ZonkyPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static ZonkyPostgresServer start() {
        try {
            return new ZonkyPostgresServer(EmbeddedPostgres.builder()
                                                              .setRegisterShutdownHook(false)
                                                              .setServerConfig("max_connections", "300")
                                                              .start());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start embedded PostgreSQL", e);
        }
    }

    @Override
    public String host() {
        return "localhost";
    }

    @Override
    public int port() {
        return postgres.getPort();
    }

    @Override
    public String superuser() {
        return "postgres";
    }

    @Override
    public String superuserPassword() {
        return "";
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
