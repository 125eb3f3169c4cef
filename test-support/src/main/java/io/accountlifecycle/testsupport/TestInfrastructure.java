package io.accountlifecycle.testsupport;

import org.testcontainers.DockerClientFactory;

/**
 * The one way tests get real infrastructure: each server started once per JVM, in a container where a Docker
 * engine answers, embedded otherwise, so no test cares which it got. Stopped by {@link RealInfrastructureExtension}
 * through JUnit's root store at the end of the run.
 */
public final class TestInfrastructure {

    private static PostgresServer postgres;
    private static KafkaServer kafka;
    private static Boolean dockerAvailable;

    private TestInfrastructure() {
    }

    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            postgres = dockerAvailable() ? ContainerPostgresServer.start() : ZonkyPostgresServer.start();
            System.err.println("[test-support] PostgreSQL (" + postgres.kind() + ") on " + postgres.host() + ":"
                               + postgres.port());
        }
        return postgres;
    }

    public static synchronized KafkaServer kafka() {
        if (kafka == null) {
            kafka = dockerAvailable() ? ContainerKafkaServer.start() : EmbeddedKraftKafkaServer.start();
            System.err.println("[test-support] Kafka (" + kafka.kind() + ") at " + kafka.bootstrapServers());
        }
        return kafka;
    }

    /**
     * A broker of the caller's own, which it closes: for a test that reads whole topics as the truth (a restore from
     * Kafka), where the shared broker's topics also hold every other test's records.
     */
    public static synchronized KafkaServer dedicatedKafka() {
        KafkaServer server = dockerAvailable() ? ContainerKafkaServer.start() : EmbeddedKraftKafkaServer.start();
        System.err.println("[test-support] dedicated Kafka (" + server.kind() + ") at " + server.bootstrapServers());
        return server;
    }

    static synchronized void stopAll() throws Exception {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    private static boolean dockerAvailable() {
        if (dockerAvailable == null) {
            boolean forced = Boolean.parseBoolean(System.getProperty("testsupport.embedded", "false"));
            try {
                dockerAvailable = !forced && DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable e) {
                dockerAvailable = false;
            }
        }
        return dockerAvailable;
    }
}
