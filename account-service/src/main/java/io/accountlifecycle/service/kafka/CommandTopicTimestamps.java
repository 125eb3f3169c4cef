package io.accountlifecycle.service.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Gives an {@code account.commands} created before commands carried tokens the broker's append time as its records'
 * timestamps ({@code message.timestamp.type=LogAppendTime}): declaring a topic leaves an existing one as it is, and the
 * embedded default's broker keeps its topics across upgrades. Only where the service declares its topics
 * ({@code account.kafka.topics.create}); elsewhere whoever owns them sets it (Strimzi's KafkaTopic, or by hand).
 * Should it fail, the intake judges tokens when it consumes a record instead, and says so.
 */
@Component
@ConditionalOnProperty(name = "account.kafka.topics.create", matchIfMissing = true, havingValue = "true")
class CommandTopicTimestamps implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(CommandTopicTimestamps.class);
    private static final String LOG_APPEND_TIME = TimestampType.LOG_APPEND_TIME.name;

    private final KafkaAdmin kafkaAdmin;

    CommandTopicTimestamps(KafkaAdmin kafkaAdmin) {
        this.kafkaAdmin = kafkaAdmin;
    }

    /** Before the intake starts; whether or not the topics were declared yet: a topic declared now has it already. */
    @Override
    public void afterSingletonsInstantiated() {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, KafkaTopics.COMMANDS);
        int timeout = kafkaAdmin.getOperationTimeout();
        try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
            Config config = admin.describeConfigs(List.of(topic)).all().get(timeout, TimeUnit.SECONDS).get(topic);
            ConfigEntry timestamps = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
            if (timestamps != null && LOG_APPEND_TIME.equals(timestamps.value())) {
                return;
            }
            Map<ConfigResource, Collection<AlterConfigOp>> appendTime = Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME),
                    AlterConfigOp.OpType.SET)));
            admin.incrementalAlterConfigs(appendTime).all().get(timeout, TimeUnit.SECONDS);
            log.info("{} now has {}={}: command tokens are judged at the instant a record is appended",
                     KafkaTopics.COMMANDS, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                warn(e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            warn(e);
        } catch (Exception e) {
            warn(e);
        }
    }

    private static void warn(Throwable e) {
        log.warn("Could not set {}={} on {}: command tokens are judged when a record is consumed until it is set",
                 TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME, KafkaTopics.COMMANDS, e);
    }
}
