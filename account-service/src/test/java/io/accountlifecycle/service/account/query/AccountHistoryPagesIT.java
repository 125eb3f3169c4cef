package io.accountlifecycle.service.account.query;

import io.accountlifecycle.api.AccountActivityRecordedEvent;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.eventstore.EventTable;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /accounts/{id}/events} on a long history: every page is the one the whole history, read through Axon and
 * cut in memory, gave; and a page fetches its own rows from the event table, no others.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccountHistoryPagesIT {

    private static final int HISTORY = 2_500;

    @Value("${local.server.port}")
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    EventStore eventStore;
    @Autowired
    EventSchema schema;
    @Autowired
    @Qualifier("eventSerializer")
    Serializer eventSerializer;
    @Autowired
    Configuration axon;
    @Autowired
    DataSource dataSource;

    HttpJson http;

    @BeforeEach
    void setUp() {
        http = new HttpJson(port).withToken(TestTokens.mint(context, "test-user", TestTokens.ALL_SCOPES));
    }

    /** An account opened over HTTP, then {@value #HISTORY} events long (appended straight to the store, for speed). */
    private UUID longHistory() {
        UUID id = UUID.randomUUID();
        assertThat(http.post("/accounts", openAccountJson(id, "long@example.com", "Long History", "FREE")).status())
                .isEqualTo(201);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<EventMessage<?>> activity = LongStream.range(1, HISTORY).<EventMessage<?>>mapToObj(
                sequence -> new GenericDomainEventMessage<>("Account", id.toString(), sequence,
                                                            new AccountActivityRecordedEvent(
                                                                    id, start.plusSeconds(sequence)))).toList();
        eventStore.publish(activity);
        return id;
    }

    @Test
    void everyPageIsTheWholeHistoryCutAsBefore() {
        UUID id = longHistory();
        List<DomainEventMessage<?>> whole = new ArrayList<>();
        eventStore.readEvents(id.toString(), 0).forEachRemaining(whole::add);
        assertThat(whole).hasSize(HISTORY);

        int[][] pages = {{0, 100}, {7, 100}, {2, 1000}, {24, 100}, {3, 700}, {25, 100}, {0, 1000}, {1000, 1000}};
        for (int[] asked : pages) {
            JsonNode page = http.get("/accounts/" + id + "/events?page=" + asked[0] + "&size=" + asked[1]).json();
            assertSamePage(page, PageView.of(whole, asked[0], asked[1]));
        }
        assertSamePage(http.get("/accounts/" + id + "/events").json(), PageView.of(whole, 0, 100));
    }

    @Test
    void aPageFetchesOnlyItsOwnRows() {
        UUID id = longHistory();
        RowCountingDataSource counting = new RowCountingDataSource(dataSource);
        AccountHistory history = new AccountHistory(eventStore, new EventTable(new JdbcTemplate(counting), schema,
                                                                                eventSerializer, axon.upcasterChain()));

        PageView<DomainEventMessage<?>> page = history.events(id, 7, 100).orElseThrow();

        assertThat(page.items()).extracting(DomainEventMessage::getSequenceNumber)
                                .containsExactlyElementsOf(LongStream.range(700, 800).boxed().toList());
        assertThat(page.totalItems()).isEqualTo(HISTORY);
        assertThat(counting.rowsFetched()).as("rows fetched from the event table").isEqualTo(100);
    }

    private static void assertSamePage(JsonNode page, PageView<DomainEventMessage<?>> expected) {
        assertThat(page.get("page").asInt()).isEqualTo(expected.page());
        assertThat(page.get("size").asInt()).isEqualTo(expected.size());
        assertThat(page.get("totalItems").asLong()).isEqualTo(expected.totalItems());
        assertThat(page.get("hasNext").asBoolean()).isEqualTo(expected.hasNext());
        List<String> served = page.get("items").valueStream()
                                  .map(e -> e.get("eventId").asString() + " " + e.get("sequenceNumber").asLong() + " "
                                            + e.get("payloadType").asString() + " "
                                            + Instant.parse(e.get("occurredAt").asString()) + " "
                                            + e.get("payload").path("lastActivityAt").asString(""))
                                  .toList();
        List<String> before = expected.items().stream()
                                      .map(e -> e.getIdentifier() + " " + e.getSequenceNumber() + " "
                                                + e.getPayloadType().getName() + " " + e.getTimestamp() + " "
                                                + (e.getPayload() instanceof AccountActivityRecordedEvent activity
                                                   ? activity.lastActivityAt() : ""))
                                      .toList();
        assertThat(served).containsExactlyElementsOf(before);
    }
}
