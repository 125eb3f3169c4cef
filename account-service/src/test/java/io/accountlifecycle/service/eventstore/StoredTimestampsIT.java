package io.accountlifecycle.service.eventstore;

import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event's timestamp is stored truncated to the microsecond, never rounded: the aggregate folds an event it has just
 * applied at the clock's nanoseconds, a later load folds the stored one, and both keep the millisecond
 * ({@code AccountState#after}). Rounded, an event at .924999700 would be read back at .925 (one event in two
 * thousand). Both ways of writing are tried: one append at a time and the held multi-row statement. Rolled back.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StoredTimestampsIT {

    /** Half a microsecond and more below the next millisecond: a driver rounding to microseconds would cross it. */
    private static final Instant JUST_BEFORE_A_MILLISECOND = Instant.parse("2026-12-06T10:15:30.924999700Z");

    @Autowired
    PostgresEventStorageEngine engine;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anEventAppendedAloneIsReadBackInTheMillisecondItWasAppliedIn() {
        String aggregate = UUID.randomUUID().toString();
        rolledBack(() -> {
            engine.appendEvents(List.of(event(aggregate, 0)));
            assertReadBackTruncated(aggregate, 1);
        });
    }

    @Test
    void eventsWrittenTogetherInOneStatementAreReadBackInTheMillisecondTheyWereAppliedIn() {
        String aggregate = UUID.randomUUID().toString();
        rolledBack(() -> {
            engine.holdAppends();
            try {
                engine.appendEvents(List.of(event(aggregate, 0), event(aggregate, 1)));
                engine.writeHeldAppends();
            } finally {
                engine.releaseHeldAppends();
            }
            assertReadBackTruncated(aggregate, 2);
        });
    }

    /** Stored at the microsecond below, and read back (Axon's entries keep milliseconds) in the same millisecond. */
    private void assertReadBackTruncated(String aggregate, int count) {
        assertThat(jdbc.queryForList("select time_stamp from domain_event_entry where aggregate_identifier = ?",
                                     OffsetDateTime.class, aggregate))
                .hasSize(count)
                .allSatisfy(stored -> assertThat(stored.toInstant())
                        .isEqualTo(JUST_BEFORE_A_MILLISECOND.truncatedTo(ChronoUnit.MICROS)));
        List<Instant> read = new ArrayList<>();
        engine.readEvents(aggregate).forEachRemaining(event -> read.add(event.getTimestamp()));
        assertThat(read).hasSize(count)
                        .allSatisfy(at -> assertThat(at.truncatedTo(ChronoUnit.MILLIS))
                                .isEqualTo(JUST_BEFORE_A_MILLISECOND.truncatedTo(ChronoUnit.MILLIS)));
    }

    private void rolledBack(Runnable test) {
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            status.setRollbackOnly();
            test.run();
        });
    }

    private static DomainEventMessage<String> event(String aggregate, long sequence) {
        return new GenericDomainEventMessage<>("StoredTimestampsTest", aggregate, sequence, "event " + sequence,
                                               MetaData.emptyInstance(), UUID.randomUUID().toString(),
                                               JUST_BEFORE_A_MILLISECOND);
    }
}
