package io.accountlifecycle.service.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Data folders as the versions before issue 17 left them: a PostgreSQL cluster from zonky's {@code initdb} (trust
 * authentication, roles without passwords) and a broker that took anyone on a plaintext listener.
 */
final class LegacyDataFolder {

    private LegacyDataFolder() {
    }

    /** The cluster with the owner and its database, then {@code more} statements run as the superuser. */
    static void trustingPostgres(Path pgData, String... more) throws Exception {
        try (EmbeddedPostgres legacy = EmbeddedPostgres.builder().setDataDirectory(pgData)
                                                      .setCleanDataDirectory(false).setPort(0)
                                                      .setRegisterShutdownHook(false).start();
             Connection connection = legacy.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("create role account_owner login createrole");
            statement.execute("create database accounts owner account_owner");
            for (String sql : more) {
                statement.execute(sql);
            }
        }
    }

    /** A plaintext broker's folder, formatted as the embedded server formats one, holding {@code topic}/record. */
    static void plaintextKafka(Path logDirectory, String topic, String key, String value) throws Exception {
        java.lang.reflect.Method format = EmbeddedKafkaServer.class.getDeclaredMethod("format", Path.class);
        format.setAccessible(true);
        java.nio.file.Files.createDirectories(logDirectory);
        format.invoke(null, logDirectory);
        int port = freePort();
        int controller = freePort();
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        config.put("log.dirs", logDirectory.toString());
        config.put("metadata.log.dir", logDirectory.toString());
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("broker.heartbeat.interval.ms", "1000");
        config.put("broker.session.timeout.ms", "6000");
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        try {
            Map<String, Object> client = Map.of("bootstrap.servers", "127.0.0.1:" + port);
            try (Admin admin = Admin.create(client)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(client, new StringSerializer(),
                                                                               new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, key, value)).get();
            }
        } finally {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
