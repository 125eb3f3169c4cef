package io.accountlifecycle.service.kafka;

import io.accountlifecycle.service.account.ErasureSettings;
import io.accountlifecycle.service.roles.Roles;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Refuses to start the Kafka intake while an inbound topic ({@code account.commands}, {@code account.commands.dlt})
 * keeps its records — personal fields in plaintext, as product services sent them — longer than an erasure request
 * may take ({@code account.erasure.deadline}, its shortest month): an erased person's email would otherwise outlive
 * the erasure on the broker. Checks the retention the service declares topics with and, at start-up, the topics as
 * they are (a compacted topic, or {@code retention.ms=-1}, keeps records for ever). A broker that cannot be asked
 * (unreachable at start-up) is warned about, not waited for: the intake cannot consume then either.
 */
@Component
@ConditionalOnProperty(name = Roles.KAFKA_INTAKE, havingValue = "true", matchIfMissing = true)
public class InboundRetentionCheck implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(InboundRetentionCheck.class);
    static final List<String> INBOUND = List.of(KafkaTopics.COMMANDS, KafkaTopics.COMMANDS_DLT);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaAdmin kafkaAdmin;
    private final KafkaTopicsProperties topics;
    private final ErasureSettings erasure;

    public InboundRetentionCheck(KafkaAdmin kafkaAdmin, KafkaTopicsProperties topics, ErasureSettings erasure) {
        this.kafkaAdmin = kafkaAdmin;
        this.topics = topics;
        this.erasure = erasure;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Duration limit = erasure.shortestDeadline();
        List<String> tooLong = new ArrayList<>();
        if (topics.create() && topics.inboundRetention().compareTo(limit) > 0) {
            tooLong.add("account.kafka.topics.inbound-retention is " + topics.inboundRetention());
        }
        tooLong.addAll(topicsKeepingTooLong(limit, INBOUND));
        if (!tooLong.isEmpty()) {
            throw new IllegalStateException(
                    "Inbound topics keep personal data longer than an erasure request may take (account.erasure"
                    + ".deadline " + erasure.deadline() + ", at shortest " + limit.toDays() + " days): "
                    + String.join("; ", tooLong) + ". Lower retention.ms on the topic (and account.kafka.topics"
                    + ".inbound-retention) to at most " + limit.toMillis() + " ms, or the service cannot honour "
                    + "erasure requests");
        }
    }

    /** Those of {@code topics} whose records outlive {@code limit}, with why; empty when none does or none exists. */
    List<String> topicsKeepingTooLong(Duration limit, List<String> topics) {
        List<String> found = new ArrayList<>();
        List<ConfigResource> resources = topics.stream()
                                               .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        // At most ASK_TIMEOUT: a start-up must not wait the client's default half-minute for a broker that is down.
        int timeout = (int) Math.min(kafkaAdmin.getOperationTimeout(), ASK_TIMEOUT.toSeconds());
        try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
            Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(resources).values();
            for (ConfigResource topic : resources) {
                Config config;
                try {
                    config = configs.get(topic).get(timeout, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        continue; // declared later with the checked retention
                    }
                    throw e;
                }
                String why = keepsTooLong(config, limit);
                if (why != null) {
                    found.add(topic.name() + " " + why);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            warn(e);
        } catch (Exception e) {
            warn(e);
        }
        return found;
    }

    static String keepsTooLong(Config config, Duration limit) {
        ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy != null && policy.value() != null && policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            return "is compacted (" + TopicConfig.CLEANUP_POLICY_CONFIG + "=" + policy.value()
                   + "): it keeps records for ever";
        }
        ConfigEntry retention = config.get(TopicConfig.RETENTION_MS_CONFIG);
        long ms = retention == null || retention.value() == null ? Long.MAX_VALUE : Long.parseLong(retention.value());
        if (ms < 0) {
            return "has " + TopicConfig.RETENTION_MS_CONFIG + "=" + ms + ": it keeps records for ever";
        }
        if (ms > limit.toMillis()) {
            return "has " + TopicConfig.RETENTION_MS_CONFIG + "=" + ms + " (" + Duration.ofMillis(ms).toDays()
                   + " days)";
        }
        return null;
    }

    private static void warn(Exception e) {
        log.warn("Could not read the inbound topics' retention ({}): whether they keep personal data longer than an "
                 + "erasure request may take is checked at the next start", e.toString());
    }
}
