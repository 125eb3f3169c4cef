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
 *
 * <p>Nobody writes to it anonymously. The client port accepts SCRAM-SHA-512 only, and the broker authorises every
 * request ({@code StandardAuthorizer}, nothing allowed without an ACL): {@value KafkaCredentials#SERVICE_USER} (a
 * super user, as the only writer of the topics a restore trusts) and {@value KafkaCredentials#PRODUCT_USER} (may
 * write {@code account.commands} and read {@code account.events} and {@code account.command-results}, nothing else),
 * with passwords generated under {@code keys/}. The controller and the broker's own internal listener take a
 * password too (SASL/PLAIN: KRaft reads SCRAM credentials from its own metadata, so they cannot guard the listeners
 * that load it). Users and ACLs are set at every start, which also converts a folder from a plaintext version.
 * A second loopback port takes the same users with SASL/PLAIN, for clients whose SCRAM cannot talk to Kafka 4
 * (librdkafka before 2.6.1, such as Debian 12's kcat).
 */
public final class EmbeddedKafkaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaServer.class);
    private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final KafkaRaftServer server;
    private final int port;
    private final int plainPort;

    private EmbeddedKafkaServer(KafkaRaftServer server, int port, int plainPort) {
        this.server = server;
        this.port = port;
        this.plainPort = plainPort;
    }

    public static EmbeddedKafkaServer start(EmbeddedKafkaProperties properties) {
        Path logDirectory = properties.logDirectory().toAbsolutePath().normalize();
        Path keys = properties.keysDirectory();
        int port = properties.port() == 0 ? freePort() : properties.port();
        int controllerPort = properties.controllerPort() == 0 ? freePort() : properties.controllerPort();
        int plainPort = properties.plainPort() == 0 ? freePort() : properties.plainPort();
        int advertisedPort = properties.advertisedPort() == 0 ? port : properties.advertisedPort();
        int internalPort = freePort(); // nothing outside this JVM connects to it
        try {
            Files.createDirectories(logDirectory);
            if (!Files.exists(logDirectory.resolve("meta.properties"))) {
                format(logDirectory);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot prepare the embedded Kafka log in " + logDirectory, e);
        }
        String brokerPassword = KafkaCredentials.password(keys, KafkaCredentials.BROKER_USER);
        String controllerPassword = KafkaCredentials.password(keys, KafkaCredentials.CONTROLLER_USER);
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("listeners", "CLIENT://127.0.0.1:" + port + ",LOCALPLAIN://127.0.0.1:" + plainPort
                                + ",INTERNAL://127.0.0.1:" + internalPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "CLIENT://127.0.0.1:" + advertisedPort
                                           + ",LOCALPLAIN://127.0.0.1:" + plainPort
                                           + ",INTERNAL://127.0.0.1:" + internalPort);
        config.put("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,LOCALPLAIN:SASL_PLAINTEXT,"
                                                     + "INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "INTERNAL");
        config.put("listener.name.client.sasl.enabled.mechanisms", KafkaCredentials.MECHANISM);
        config.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                   "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        // The same users, passwords and ACLs for clients whose SCRAM is broken against Kafka 4 (librdkafka before
        // 2.6.1 sends a nonce Kafka 4 rightly refuses; Debian 12's kcat has 2.0.2): PLAIN, on loopback only.
        config.put("listener.name.localplain.sasl.enabled.mechanisms", "PLAIN");
        config.put("listener.name.localplain.plain.sasl.jaas.config",
                   PLAIN + " required user_" + KafkaCredentials.SERVICE_USER + "=\""
                   + KafkaCredentials.password(keys, KafkaCredentials.SERVICE_USER) + "\" user_"
                   + KafkaCredentials.PRODUCT_USER + "=\""
                   + KafkaCredentials.password(keys, KafkaCredentials.PRODUCT_USER) + "\";");
        config.put("listener.name.internal.sasl.enabled.mechanisms", "PLAIN");
        config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.put("listener.name.internal.plain.sasl.jaas.config",
                   plainJaas(KafkaCredentials.BROKER_USER, brokerPassword, true));
        config.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        config.put("sasl.mechanism.controller.protocol", "PLAIN");
        config.put("listener.name.controller.plain.sasl.jaas.config",
                   plainJaas(KafkaCredentials.CONTROLLER_USER, controllerPassword, true));
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.put("super.users", "User:" + KafkaCredentials.CONTROLLER_USER + ";User:" + KafkaCredentials.BROKER_USER
                                  + ";User:" + KafkaCredentials.SERVICE_USER);
        config.put("allow.everyone.if.no.acl.found", "false");
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
        // The controller appends a no-op record to the metadata log every 500 ms by default (KIP-835: followers can
        // then tell how far behind a live log they are), writes it to disk, and the broker fetches and applies each:
        // on an idle single-node broker, most of the KRaft threads' share of an idle instance's CPU. Nothing here
        // reads that lag, and a single node has no follower to tell it: none.
        config.put("metadata.max.idle.interval.ms", "0");
        // Every request handler thread (8 by default, in the broker and again in the controller) and every network
        // thread (3 per listener) wakes every 300 ms to look at its queue or sockets, work or none: a profile of an
        // idle instance found them the largest share of its CPU after the compilers. One broker serving one
        // instance's clients on a small machine: two handlers, one network thread per listener, one thread for
        // the group coordinator (4).
        config.put("num.io.threads", "2");
        config.put("num.network.threads", "1");
        config.put("group.coordinator.threads", "1");
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        EmbeddedKafkaServer started = new EmbeddedKafkaServer(server, port, plainPort);
        try {
            new EmbeddedKafkaUsers(internalPort, brokerPassword, port, keys).apply();
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        log.info("Embedded Kafka broker listening on 127.0.0.1:{} (SCRAM-SHA-512{}) and 127.0.0.1:{} (PLAIN, for older "
                 + "librdkafka); passwords in {}, log in {}", port,
                 advertisedPort == port ? "" : ", advertised as 127.0.0.1:" + advertisedPort, plainPort,
                 keys.toAbsolutePath().normalize(), logDirectory);
        return started;
    }

    /** A listener's PLAIN configuration: the login it uses itself, and the one user it accepts. */
    private static String plainJaas(String user, String password, boolean accepts) {
        return PLAIN + " required username=\"" + user + "\" password=\"" + password + "\""
               + (accepts ? " user_" + user + "=\"" + password + "\"" : "") + ";";
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

    /** The loopback SASL/PLAIN listener (same users and ACLs). */
    public String plainBootstrapServers() {
        return "127.0.0.1:" + plainPort;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
