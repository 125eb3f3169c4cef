package io.accountlifecycle.service.kafka.publication;

import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.KafkaTopicsProperties;
import io.accountlifecycle.service.personal.RecordAuthentication;
import io.accountlifecycle.service.roles.Roles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the purge bound of {@code account.keys} true on a quiet partition. Kafka compacts only closed segments and
 * closes (rolls) a segment only when a record is appended after {@code segment.ms}: a purge's tombstone on a
 * partition nobody writes to again would leave the key's earlier records there indefinitely. So every quarter of
 * {@code account.kafka.topics.key-shred-bound} a marker tombstone (key {@value #MARKER}, compacted away itself) is
 * appended to every partition, and a purged key is gone from the topic within the bound plus a quarter. Markers are
 * tagged like every record the service writes to the topic (a restore ignores them all the same).
 */
@Component
@ConditionalOnProperty(name = Roles.EVENT_PUBLICATION, havingValue = "true", matchIfMissing = true)
class KeyTopicRoller {

    /** The key of the markers; a restore ignores it. */
    static final String MARKER = "__segment-roll";
    private static final Logger log = LoggerFactory.getLogger(KeyTopicRoller.class);

    private final KafkaTemplate<String, String> kafka;
    private final TaggedRecords records;
    private final Duration every;
    private volatile ScheduledExecutorService timer;

    KeyTopicRoller(KafkaTemplate<String, String> kafka, KafkaTopicsProperties topics,
                   RecordAuthentication authentication) {
        this.kafka = kafka;
        this.records = new TaggedRecords(authentication);
        Duration quarter = topics.keyShredBound().dividedBy(4);
        this.every = quarter.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500) : quarter;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "account-keys-roller");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::roll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @EventListener(ContextClosedEvent.class)
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void roll() {
        try {
            int partitions = kafka.partitionsFor(KafkaTopics.KEYS).size();
            for (int partition = 0; partition < partitions; partition++) {
                kafka.send(records.record(KafkaTopics.KEYS, partition, MARKER, null));
            }
        } catch (RuntimeException e) {
            log.warn("Could not append segment-roll markers to {}: {}", KafkaTopics.KEYS, e.getMessage());
        }
    }
}
