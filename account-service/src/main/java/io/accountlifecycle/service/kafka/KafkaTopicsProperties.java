package io.accountlifecycle.service.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * How the service declares its topics when it creates them (the embedded default, or any cluster that lets it;
 * on Kubernetes Strimzi's KafkaTopic resources own them instead).
 *
 * @param create           declare the topics at start-up (existing topics are left as they are)
 * @param partitions       partitions of every topic
 * @param replicationFactor replicas of every topic (1 for a single broker)
 * @param inboundRetention retention of {@code account.commands} and its dead-letter topic, which carry personal
 *                         fields as product services sent them, and of {@code account.command-results}
 * @param keyShredBound    how long after a purge the account's wrapped data key may still be on
 *                         {@code account.keys} (compaction of its tombstone)
 */
@ConfigurationProperties("account.kafka.topics")
public record KafkaTopicsProperties(Boolean create, Integer partitions, Short replicationFactor,
                                    Duration inboundRetention, Duration keyShredBound) {

    public KafkaTopicsProperties {
        create = create == null || create;
        partitions = partitions == null ? 8 : partitions;
        replicationFactor = replicationFactor == null ? 1 : replicationFactor;
        inboundRetention = inboundRetention == null ? Duration.ofDays(7) : inboundRetention;
        keyShredBound = keyShredBound == null ? Duration.ofDays(1) : keyShredBound;
    }
}
