package io.accountlifecycle.service.kafka;

import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.testsupport.KafkaServer;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kafka intake refuses to start while an inbound topic keeps personal data in plaintext longer than an erasure
 * request may take; the roles that do not consume it start.
 */
@RealPostgres(database = InboundRetentionCheckIT.DATABASE)
class InboundRetentionCheckIT {

    static final String DATABASE = "accounts_inbound_retention";
    private static final long FORTY_DAYS = Duration.ofDays(40).toMillis();

    private static KafkaServer kafka;

    @BeforeAll
    static void start() throws Exception {
        // Its own broker: account.commands is created here with a retention no other test may meet.
        kafka = TestInfrastructure.dedicatedKafka();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(KafkaTopics.COMMANDS, 1, (short) 1).configs(
                    Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(FORTY_DAYS))))).all().get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theIntakeRefusesToStartOnATopicThatKeepsRecordsLongerThanTheErasureDeadline() {
        assertThatThrownBy(() -> ServiceInstances.startOn(kafka, DATABASE, "retention-it").close())
                .hasStackTraceContaining("Inbound topics keep personal data longer than an erasure request may take")
                .hasStackTraceContaining(KafkaTopics.COMMANDS + " has retention.ms=" + FORTY_DAYS + " (40 days)")
                .hasStackTraceContaining("at most " + Duration.ofDays(28).toMillis() + " ms");

        assertThatThrownBy(() -> ServiceInstances.startOn(kafka, DATABASE, "retention-it",
                                                          "--account.kafka.topics.inbound-retention=P60D").close())
                .hasStackTraceContaining("account.kafka.topics.inbound-retention is PT1440H");

        // The other roles do not hold the topic's records: they start.
        try (ConfigurableApplicationContext service = ServiceInstances.startOn(
                kafka, DATABASE, "retention-it", "--account.kafka.intake.enabled=false")) {
            assertThat(service.isRunning()).isTrue();
        }
    }

    @Test
    void compactedAndEndlessTopicsKeepRecordsForEver() throws Exception {
        String compacted = "retention-compacted-" + UUID.randomUUID();
        String endless = "retention-endless-" + UUID.randomUUID();
        String week = "retention-week-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(
                    new NewTopic(compacted, 1, (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                                                                         TopicConfig.CLEANUP_POLICY_COMPACT)),
                    new NewTopic(endless, 1, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")),
                    new NewTopic(week, 1, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                                                                    Long.toString(Duration.ofDays(7).toMillis())))))
                 .all().get();
        }
        var kafkaAdmin = new org.springframework.kafka.core.KafkaAdmin(
                Map.of("bootstrap.servers", kafka.bootstrapServers()));
        InboundRetentionCheck check = new InboundRetentionCheck(kafkaAdmin, null, null);
        assertThat(check.topicsKeepingTooLong(Duration.ofDays(28), List.of(compacted, endless, week,
                                                                           "no-such-topic-" + UUID.randomUUID())))
                .containsExactlyInAnyOrder(compacted + " is compacted (cleanup.policy=compact): it keeps records for "
                                           + "ever", endless + " has retention.ms=-1: it keeps records for ever");
    }
}
