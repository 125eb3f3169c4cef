package io.accountlifecycle.service.embedded;

import io.accountlifecycle.service.kafka.KafkaTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The embedded broker's users and what they may do, set at every start (idempotent): SCRAM credentials for the
 * service and the local product service from their password files, and the product service's ACLs. Applied through
 * the broker's internal listener as its own super user, and confirmed by logging in as the service before the
 * service's clients try.
 */
final class EmbeddedKafkaUsers {

    private static final Duration READY_WITHIN = Duration.ofSeconds(30);
    /** Kafka's own minimum for SCRAM-SHA-512 is 4096; this is what Kafka's tools default to. */
    private static final int ITERATIONS = 8192;

    private final int internalPort;
    private final String brokerPassword;
    private final int clientPort;
    private final Path keys;

    EmbeddedKafkaUsers(int internalPort, String brokerPassword, int clientPort, Path keys) {
        this.internalPort = internalPort;
        this.brokerPassword = brokerPassword;
        this.clientPort = clientPort;
        this.keys = keys;
    }

    void apply() {
        String service = KafkaCredentials.password(keys, KafkaCredentials.SERVICE_USER);
        String product = KafkaCredentials.password(keys, KafkaCredentials.PRODUCT_USER);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + internalPort,
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                                    + KafkaCredentials.BROKER_USER + "\" password=\"" + brokerPassword + "\";"))) {
            ScramCredentialInfo scram = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS);
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion(KafkaCredentials.SERVICE_USER, scram, service),
                    new UserScramCredentialUpsertion(KafkaCredentials.PRODUCT_USER, scram, product)))
                 .all().get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS);
            admin.createAcls(productServiceAcls()).all().get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot set the embedded broker's users and ACLs", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while setting the embedded broker's users", e);
        }
        awaitLogin(KafkaCredentials.SERVICE_USER, service);
    }

    /**
     * A product service sends commands and reads what comes back; it never writes the topics a restore trusts, and
     * never reads the data keys. Its consumer groups start with its name.
     */
    static List<AclBinding> productServiceAcls() {
        String principal = "User:" + KafkaCredentials.PRODUCT_USER;
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(topic(KafkaTopics.COMMANDS), principal, AclOperation.WRITE));
        acls.add(allow(topic(KafkaTopics.COMMANDS), principal, AclOperation.DESCRIBE));
        for (String readable : List.of(KafkaTopics.EVENTS, KafkaTopics.COMMAND_RESULTS)) {
            acls.add(allow(topic(readable), principal, AclOperation.READ));
            acls.add(allow(topic(readable), principal, AclOperation.DESCRIBE));
        }
        acls.add(allow(new ResourcePattern(ResourceType.GROUP, KafkaCredentials.PRODUCT_USER, PatternType.PREFIXED),
                       principal, AclOperation.READ));
        return acls;
    }

    private static ResourcePattern topic(String name) {
        return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
    }

    private static AclBinding allow(ResourcePattern resource, String principal, AclOperation operation) {
        return new AclBinding(resource, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /** Credentials reach the broker's cache through its metadata log: wait until a login with them succeeds. */
    private void awaitLogin(String user, String password) {
        Instant deadline = Instant.now().plus(READY_WITHIN);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try (Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + clientPort,
                    AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                    "sasl.mechanism", KafkaCredentials.MECHANISM,
                    "sasl.jaas.config", KafkaCredentials.scramJaas(user, password)))) {
                admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the embedded broker", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the embedded broker", e);
            }
        }
        throw new IllegalStateException("The embedded broker does not accept " + user + "'s credentials", last);
    }
}
