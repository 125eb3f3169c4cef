package io.accountlifecycle.service.eventstore;

import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.kafka.TopicReader;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Processors are woken by commits, not by a timer: with the store's own polling a minute apart, an event committed on
 * one instance reaches {@code account.events} and the read model within a couple of seconds, whether the processors
 * run on the same instance or on another one (through PostgreSQL {@code LISTEN/NOTIFY}). Without wake-ups the first
 * would wait for the next poll, and the second for it on an instance that never heard of the commit.
 */
@RealPostgres(database = EventWakeUpsIT.DATABASE)
@RealKafka
class EventWakeUpsIT {

    static final String DATABASE = "accounts_wakeups";

    /** Far longer than any wait below: only a wake-up delivers in time. */
    private static final String NO_POLLING = "--account.eventstore.fetch-delay=60s";
    /** A processor's coordinator still looks every 5 s by itself; several events in a row cannot all be that lucky. */
    private static final Duration PROMPT = Duration.ofSeconds(2);
    private static final int EVENTS = 5;

    private static ConfigurableApplicationContext commandsOnly;
    private static ConfigurableApplicationContext everything;
    private static JdbcTemplate owner;

    @BeforeAll
    static void start() {
        commandsOnly = ServiceInstances.start(DATABASE, "wakeups-it", NO_POLLING,
                                              "--" + Roles.KAFKA_INTAKE + "=false",
                                              "--" + Roles.EVENT_PUBLICATION + "=false",
                                              "--" + Roles.DELETION_SAGA + "=false",
                                              "--" + Roles.PROJECTIONS + "=false");
        everything = ServiceInstances.start(DATABASE, "wakeups-it", NO_POLLING, "--" + Roles.KAFKA_INTAKE + "=false");
        owner = ServiceInstances.owner(DATABASE);
        // The processors claim their segments after start-up: the first event may wait for that.
        UUID first = open(ServiceInstances.http(everything));
        try (TopicReader events = new TopicReader(KafkaTopics.EVENTS)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> published(events, first) && summarised(first));
        }
    }

    @AfterAll
    static void stop() {
        for (var context : new ConfigurableApplicationContext[] {commandsOnly, everything}) {
            if (context != null) {
                context.close();
            }
        }
    }

    @Test
    void anEventCommittedOnAnotherInstanceWakesTheProcessors() {
        deliveredPromptly(ServiceInstances.http(commandsOnly));
    }

    @Test
    void anEventCommittedOnThisInstanceWakesItsProcessors() {
        deliveredPromptly(ServiceInstances.http(everything));
    }

    private static void deliveredPromptly(HttpJson http) {
        try (TopicReader events = new TopicReader(KafkaTopics.EVENTS)) {
            for (int i = 0; i < EVENTS; i++) {
                UUID accountId = open(http);
                await().atMost(PROMPT).pollInterval(Duration.ofMillis(20))
                       .until(() -> published(events, accountId) && summarised(accountId));
            }
        }
    }

    /**
     * The listener waits for a notification in slices of a second (a socket read ignores an interrupt); closing sends
     * it one of its own, so closing does not wait out the slice. Closed as the listener begins to wait.
     */
    @Test
    void closingDoesNotWaitOutTheListenersWait() throws Exception {
        CountDownLatch listening = new CountDownLatch(1);
        EventCommitSignal signal = new EventCommitSignal(everything.getBean(DataSource.class), Duration.ofSeconds(10),
                                                         Duration.ofMillis(5));
        signal.onCommit(listening::countDown); // called once the listener has run LISTEN, before it waits
        signal.start();
        assertThat(listening.await(30, TimeUnit.SECONDS)).isTrue();
        long started = System.nanoTime();
        signal.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
    }

    private static UUID open(HttpJson http) {
        UUID accountId = UUID.randomUUID();
        assertThat(http.post("/accounts", HttpJson.openAccountJson(accountId, "w@example.com", "W", "FREE")).status())
                .isEqualTo(201);
        return accountId;
    }

    private static boolean published(TopicReader events, UUID accountId) {
        return !events.values(e -> accountId.toString().equals(e.path("aggregateId").asString(null))).isEmpty();
    }

    private static boolean summarised(UUID accountId) {
        return owner.queryForObject("select count(*) from projection.account_summary where account_id = ?",
                                    Integer.class, accountId) == 1;
    }
}
