package io.accountlifecycle.service.kafka;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

import java.time.Duration;
import java.util.Map;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KafkaTopicsProperties.class)
public class KafkaConfiguration {

    /**
     * The event topic is the log a lost database is rebuilt from: kept forever, never compacted. The inbound side
     * (commands, their dead letters, results) carries what product services sent, personal fields in plaintext
     * included, so it is kept only briefly. {@code account.commands} is stamped by the broker when it appends a
     * record, not by producers: a command's bearer token is judged valid at that instant, which no producer can
     * choose ({@link CommandTopicTimestamps} sets it on a topic created before).
     */
    @Bean
    @ConditionalOnProperty(name = "account.kafka.topics.create", matchIfMissing = true, havingValue = "true")
    KafkaAdmin.NewTopics accountTopics(KafkaTopicsProperties topics) {
        String inbound = Long.toString(topics.inboundRetention().toMillis());
        return new KafkaAdmin.NewTopics(
                topic(KafkaTopics.EVENTS, topics, Map.of("retention.ms", "-1", "retention.bytes", "-1",
                                                         "cleanup.policy", "delete")),
                topic(KafkaTopics.COMMANDS, topics, Map.of("retention.ms", inbound,
                                                           TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                                                           TimestampType.LOG_APPEND_TIME.name)),
                topic(KafkaTopics.COMMANDS_DLT, topics, Map.of("retention.ms", inbound)),
                topic(KafkaTopics.COMMAND_RESULTS, topics, Map.of("retention.ms", inbound)),
                topic(KafkaTopics.KEYS, topics, keyTopicConfig(topics.keyShredBound())));
    }

    /**
     * {@code account.keys}: the latest record per key kept forever (a restore needs every live key), and a purge's
     * tombstone compacts the key away within {@code bound}: the log is compacted at the latest {@code bound} after a
     * record was written ({@code max.compaction.lag.ms}, which also rolls the active segment), then the tombstone
     * itself goes after {@code delete.retention.ms} (a tenth of the bound).
     */
    public static Map<String, String> keyTopicConfig(Duration bound) {
        return Map.of("cleanup.policy", "compact",
                      "min.compaction.lag.ms", "0",
                      "max.compaction.lag.ms", Long.toString(bound.toMillis()),
                      "segment.ms", Long.toString(bound.toMillis()),
                      "delete.retention.ms", Long.toString(bound.dividedBy(10).toMillis()),
                      "min.cleanable.dirty.ratio", "0.01");
    }

    /**
     * How long stopping waits for records still in flight (default 30 s): long enough to flush on a normal shutdown,
     * short enough that a broker that is already gone cannot hold the process.
     */
    @Bean
    DefaultKafkaProducerFactoryCustomizer producerCloseTimeout(
            @Value("${account.kafka.producer-close-timeout:PT30S}") Duration timeout) {
        return factory -> factory.setPhysicalCloseTimeout((int) Math.max(1, timeout.toSeconds()));
    }

    private static NewTopic topic(String name, KafkaTopicsProperties topics, Map<String, String> configs) {
        return TopicBuilder.name(name).partitions(topics.partitions()).replicas(topics.replicationFactor())
                           .configs(configs).build();
    }
}
