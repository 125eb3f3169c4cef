package io.accountlifecycle.service.embedded;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * The embedded default's Kafka broker, used when no {@code spring.kafka.bootstrap-servers} is configured.
 *
 * @param logDirectory   the broker's log (default {@code ./data/kafka}); kept across restarts
 * @param port           the client port any Kafka client on the machine uses (default 9092)
 * @param controllerPort the KRaft controller's port (default 9093)
 * @param keysDirectory  where the generated SCRAM passwords of its users are kept (default {@code ./data/keys})
 * @param plainPort      the same users with SASL/PLAIN on loopback, for clients whose SCRAM fails on Kafka 4
 *                       (librdkafka before 2.6.1: Debian 12's kcat) (default 9094)
 * @param advertisedPort the client port the broker tells clients to use after their first request (default: {@code
 *                       port}); another only where a port forward or a proxy sits in front of the broker
 */
@ConfigurationProperties("account.embedded.kafka")
public record EmbeddedKafkaProperties(Path logDirectory, Integer port, Integer controllerPort, Path keysDirectory,
                                      Integer plainPort, Integer advertisedPort) {

    public EmbeddedKafkaProperties {
        if (logDirectory == null) {
            logDirectory = Path.of("data", "kafka");
        }
        if (port == null) {
            port = 9092;
        }
        if (controllerPort == null) {
            controllerPort = 9093;
        }
        if (plainPort == null) {
            plainPort = 9094;
        }
        if (advertisedPort == null) {
            advertisedPort = port;
        }
        if (keysDirectory == null) {
            keysDirectory = logDirectory.toAbsolutePath().normalize().resolveSibling("keys");
        }
    }
}
