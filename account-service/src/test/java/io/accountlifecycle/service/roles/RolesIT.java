package io.accountlifecycle.service.roles;

import com.github.kagkarlsson.scheduler.Scheduler;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.TopicReader;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One image, roles by configuration: two instances with complementary roles on one database and broker. Each role
 * that is off starts none of its processors, consumers, schedulers or endpoints, and together the two do the work of
 * one instance with every role.
 */
@RealPostgres(database = RolesIT.DATABASE)
@RealKafka
class RolesIT {

    static final String DATABASE = "accounts_roles";

    /** Every streaming processor of the service and the role it belongs to. */
    private static final Map<String, String> PROCESSORS = Map.of(
            "account-events-publisher", "event-publication",
            "AccountPurgeSagaProcessor", "deletion-saga",
            "deletion-batch-executor", "deletion-saga",
            "account-summary", "projections",
            "account-timeline", "projections",
            "audit-log", "projections",
            "daily-stats", "projections",
            "deletion-batches", "projections");

    private static ConfigurableApplicationContext front;
    private static ConfigurableApplicationContext back;

    @BeforeAll
    static void start() {
        // The command side: HTTP commands and the Kafka intake (from the topic's end: other tests' commands are
        // theirs), nothing that follows the event store.
        front = ServiceInstances.start(DATABASE, "roles-it", "--spring.kafka.consumer.auto-offset-reset=latest",
                                       "--" + Roles.EVENT_PUBLICATION + "=false",
                                       "--" + Roles.DELETION_SAGA + "=false",
                                       "--" + Roles.PROJECTIONS + "=false");
        // Everything that follows the event store, and no command intake at all.
        back = ServiceInstances.start(DATABASE, "roles-it", "--" + Roles.HTTP_COMMANDS + "=false",
                                      "--" + Roles.KAFKA_INTAKE + "=false");
    }

    @AfterAll
    static void stop() {
        for (var context : new ConfigurableApplicationContext[] {front, back}) {
            if (context != null) {
                context.close();
            }
        }
    }

    private static Set<String> runningStreamingProcessors(ConfigurableApplicationContext context) {
        Map<String, EventProcessor> processors = context.getBean(EventProcessingConfiguration.class)
                                                        .eventProcessors();
        return processors.entrySet().stream()
                         .filter(e -> e.getValue() instanceof StreamingEventProcessor && e.getValue().isRunning())
                         .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    private static boolean intakeRunning(ConfigurableApplicationContext context) {
        return context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers().stream()
                      .anyMatch(MessageListenerContainer::isRunning);
    }

    @Test
    void aRoleThatIsOffStartsNoneOfItsProcessorsConsumersSchedulersOrEndpoints() {
        assertThat(front.getBean(Roles.class).all())
                .containsEntry("http-commands", true).containsEntry("kafka-intake", true)
                .containsEntry("event-publication", false).containsEntry("deletion-saga", false)
                .containsEntry("projections", false);
        assertThat(runningStreamingProcessors(front)).isEmpty();
        assertThat(intakeRunning(front)).isTrue();
        assertThat(front.getBeanNamesForType(Scheduler.class)).isEmpty();

        assertThat(runningStreamingProcessors(back)).isEqualTo(PROCESSORS.keySet());
        assertThat(intakeRunning(back)).isFalse();
        assertThat(back.getBeanNamesForType(Scheduler.class)).hasSize(1);

        HttpJson frontHttp = ServiceInstances.http(front);
        HttpJson backHttp = ServiceInstances.http(back);
        assertThat(frontHttp.get("/analytics/accounts").status()).isEqualTo(404);
        assertThat(frontHttp.get("/admin/purges/pending").status()).isEqualTo(404);
        assertThat(frontHttp.get("/admin/projections").status()).isEqualTo(404);
        assertThat(backHttp.post("/accounts", HttpJson.openAccountJson(UUID.randomUUID(), "x@example.com", "X",
                                                                       "FREE")).status()).isEqualTo(404);
        assertThat(backHttp.post("/admin/purges/pause", "{}").status()).isEqualTo(404);
        assertThat(backHttp.get("/admin/deletion-batches/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(backHttp.get("/analytics/accounts").status()).isEqualTo(200);
    }

    @Test
    void togetherTheyDoTheWorkOfOneInstance() {
        UUID accountId = UUID.randomUUID();
        HttpJson frontHttp = ServiceInstances.http(front);
        HttpJson backHttp = ServiceInstances.http(back);
        try (TopicReader events = new TopicReader(KafkaTopics.EVENTS)) {
            assertThat(frontHttp.post("/accounts", HttpJson.openAccountJson(accountId, "ada@example.com", "Ada",
                                                                            "STANDARD")).status()).isEqualTo(201);
            assertThat(frontHttp.post("/accounts/" + accountId + "/deletion", "{\"reason\":\"roles test\"}")
                                .status()).isEqualTo(202);
            // Published, quarantined by the saga and projected by the other instance.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(events.values(e -> accountId.toString().equals(e.path("aggregateId").asString(null))))
                        .extracting(e -> e.get("type").asString())
                        .containsExactly("AccountOpened", "AccountDeletionRequested", "AccountQuarantined");
                assertThat(backHttp.get("/analytics/accounts?status=QUARANTINED").raw())
                        .contains(accountId.toString());
            });
        }
    }
}
