package io.accountlifecycle.service.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * A real, single-node KRaft broker (broker and controller in one) inside the service's JVM, with its log in a folder
 * that survives restarts. Formatted once, when the folder has no {@code meta.properties}; never again. A short
 * broker session lets a restart after {@code kill -9} re-register within seconds instead of being refused until the
 * dead session expires.
 */
public final class EmbeddedKafkaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaServer.class);

    private final KafkaRaftServer server;
    private final int port;

    private EmbeddedKafkaServer(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedKafkaServer start(EmbeddedKafkaProperties properties) {
        Path logDirectory = properties.logDirectory().toAbsolutePath().normalize();
        int port = properties.port() == 0 ? freePort() : properties.port();
        int controllerPort = properties.controllerPort() == 0 ? freePort() : properties.controllerPort();
        try {
            Files.createDirectories(logDirectory);
            if (!Files.exists(logDirectory.resolve("meta.properties"))) {
                format(logDirectory);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot prepare the embedded Kafka log in " + logDirectory, e);
        }
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put("log.dirs", logDirectory.toString());
        config.put("metadata.log.dir", logDirectory.toString());
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "8");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("auto.create.topics.enable", "false");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("broker.heartbeat.interval.ms", "1000");
        config.put("broker.session.timeout.ms", "6000");
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        log.info("Embedded Kafka broker listening on 127.0.0.1:{} (log in {})", port, logDirectory);
        return new EmbeddedKafkaServer(server, port);
    }

    private static void format(Path logDirectory) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDirectory.toString()))
                .setMetadataLogDirectory(logDirectory.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName("CONTROLLER")
                .run();
        log.info("Formatted a new single-node Kafka cluster in {}", logDirectory);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
