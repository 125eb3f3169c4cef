package io.accountlifecycle.service.eventstore;

import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Appends held back by a group of commands (the Kafka intake's poll) are written in one statement, in order, and only
 * then: a read of an aggregate writes them first, a duplicate is refused when they are written, and a group that
 * lets go of them without writing leaves nothing behind. PostgreSQL numbers the statements of a transaction: rows
 * one statement inserted share its number ({@code cmin}), which is how "one statement" is seen here. Every test runs
 * in a transaction rolled back at its end.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HeldAppendsIT {

    @Autowired
    PostgresEventStorageEngine engine;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void heldEventsOfSeveralAggregatesAreWrittenInOneStatementInTheirOrder() {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        rolledBack(() -> {
            holding(() -> {
                engine.appendEvents(List.of(event(a, 0), event(a, 1)));
                engine.appendEvents(List.of(event(b, 0)));
                engine.appendEvents(List.of(event(a, 2)));
                assertThat(stored(a, b)).isZero();
                engine.writeHeldAppends();
            });
            assertThat(stored(a, b)).isEqualTo(4);
            assertThat(statementsThatInserted(a, b)).hasSize(1);
            // Global index in the order appended: a0, a1, b0, a2.
            assertThat(jdbc.queryForList("select aggregate_identifier || ':' || sequence_number "
                                         + "from domain_event_entry where aggregate_identifier in (?, ?) "
                                         + "order by global_index", String.class, a, b))
                    .containsExactly(a + ":0", a + ":1", b + ":0", a + ":2");
        });
    }

    @Test
    void withoutHoldingEachAppendIsItsOwnStatement() {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        rolledBack(() -> {
            engine.appendEvents(List.of(event(a, 0), event(a, 1)));
            engine.appendEvents(List.of(event(b, 0)));
            assertThat(stored(a, b)).isEqualTo(3);
            assertThat(statementsThatInserted(a, b)).hasSize(2);
        });
    }

    @Test
    void readingAnAggregateWritesWhatIsHeldFirst() {
        String a = UUID.randomUUID().toString();
        rolledBack(() -> {
            holding(() -> {
                engine.appendEvents(List.of(event(a, 0), event(a, 1)));
                assertThat(engine.lastSequenceNumberFor(a)).contains(1L);
                engine.appendEvents(List.of(event(a, 2)));
                DomainEventStream stream = engine.readEvents(a);
                List<Long> sequence = new ArrayList<>();
                stream.forEachRemaining(event -> sequence.add(event.getSequenceNumber()));
                assertThat(sequence).containsExactly(0L, 1L, 2L);
            });
            assertThat(stored(a, a)).isEqualTo(3);
        });
    }

    @Test
    void aDuplicateAmongHeldEventsIsRefusedWhenTheyAreWrittenAndTakesTheGroupWithIt() {
        String used = UUID.randomUUID().toString();
        String fresh = UUID.randomUUID().toString();
        TransactionTemplate group = new TransactionTemplate(transactions);
        group.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        rolledBack(() -> {
            engine.appendEvents(List.of(event(used, 0)));
            assertThatThrownBy(() -> group.executeWithoutResult(savepoint -> {
                holding(() -> {
                    engine.appendEvents(List.of(event(fresh, 0)));
                    engine.appendEvents(List.of(event(used, 0))); // not refused yet: nothing is written
                    engine.writeHeldAppends();
                });
            })).isInstanceOfAny(AggregateStreamCreationException.class, ConcurrencyException.class);
            assertThat(stored(fresh, fresh)).isZero();
            assertThat(stored(used, used)).isEqualTo(1);
        });
    }

    @Test
    void heldEventsLetGoOfWithoutWritingAreNeverStored() {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        rolledBack(() -> {
            holding(() -> {
                engine.appendEvents(List.of(event(a, 0)));
            });
            // Released: the next append on this thread is written at once again.
            engine.appendEvents(List.of(event(b, 0)));
            assertThat(stored(b, b)).isEqualTo(1);
            assertThat(stored(a, a)).isZero();
        });
    }

    /** Runs {@code group} with this thread's appends held back, as the Kafka intake's poll does. */
    private void holding(Runnable group) {
        engine.holdAppends();
        try {
            group.run();
        } finally {
            engine.releaseHeldAppends();
        }
    }

    /**
     * Runs {@code test} in a transaction that is rolled back: these events' payloads are not account events, and the
     * processors sharing this database must never read them.
     */
    private void rolledBack(Runnable test) {
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            status.setRollbackOnly();
            test.run();
        });
    }

    private int stored(String a, String b) {
        return jdbc.queryForObject("select count(*) from domain_event_entry where aggregate_identifier in (?, ?)",
                                   Integer.class, a, b);
    }

    private List<String> statementsThatInserted(String a, String b) {
        return jdbc.queryForList("select distinct cmin::text from domain_event_entry where aggregate_identifier in "
                                 + "(?, ?)", String.class, a, b);
    }

    private static EventMessage<?> event(String aggregate, long sequence) {
        DomainEventMessage<String> event = new GenericDomainEventMessage<>("HeldAppendsTest", aggregate, sequence,
                                                                           "event " + sequence);
        return event;
    }
}
