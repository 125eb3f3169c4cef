package io.accountlifecycle.projections.support;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.deadletter.GenericDeadLetter;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.UncategorizedSQLException;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransientFailuresAreRetriedTest {

    private final TransientFailuresAreRetried policy = new TransientFailuresAreRetried();
    private final GenericDeadLetter<EventMessage<?>> letter =
            new GenericDeadLetter<>("account-1", GenericEventMessage.asEventMessage("payload"));

    @Test
    void aDeadlockFailsTheBatchSoThatItIsRetried() {
        var deadlock = new UncategorizedSQLException("flush", "update …", new SQLException("deadlock detected", "40P01"));
        assertThatThrownBy(() -> policy.decide(letter, deadlock))
                .isInstanceOf(TransientFailuresAreRetried.TransientProjectionFailure.class).hasCause(deadlock);
        var lostConnection = new RuntimeException(new SQLException("connection reset", "08006"));
        assertThatThrownBy(() -> policy.decide(letter, lostConnection))
                .isInstanceOf(TransientFailuresAreRetried.TransientProjectionFailure.class);
    }

    @Test
    void aDatabaseOutOfSpaceFailsTheBatchSoThatItIsRetriedOnceSpaceReturns() {
        var diskFull = new UncategorizedSQLException("flush", "insert …", new SQLException(
                "could not extend file \"base/16384/16455\": No space left on device", "53100"));
        assertThatThrownBy(() -> policy.decide(letter, diskFull))
                .isInstanceOf(TransientFailuresAreRetried.TransientProjectionFailure.class).hasCause(diskFull);
        var noSpaceAsIoError = new RuntimeException(new SQLException(
                "could not write to file \"pg_wal/xlogtemp.123\": No space left on device", "58030"));
        assertThatThrownBy(() -> policy.decide(letter, noSpaceAsIoError))
                .isInstanceOf(TransientFailuresAreRetried.TransientProjectionFailure.class);
        var outOfMemory = new RuntimeException(new SQLException("out of memory", "53200"));
        assertThatThrownBy(() -> policy.decide(letter, outOfMemory))
                .isInstanceOf(TransientFailuresAreRetried.TransientProjectionFailure.class);
        var restarting = new RuntimeException(new SQLException("the database system is starting up", "57P03"));
        assertThatThrownBy(() -> policy.decide(letter, restarting))
                .isInstanceOf(TransientFailuresAreRetried.TransientProjectionFailure.class);
    }

    @Test
    void anythingElseParksTheEvent() {
        assertThat(policy.decide(letter, new IllegalStateException("unknown plan")).shouldEnqueue()).isTrue();
        assertThat(policy.decide(letter, new DataIntegrityViolationException("value too long")).shouldEnqueue())
                .isTrue();
        assertThat(policy.decide(letter, new RuntimeException(new SQLException("poisoned row", "P0001")))
                           .shouldEnqueue()).isTrue();
        assertThat(policy.decide(letter, new RuntimeException(new SQLException("value too long", "22001")))
                           .shouldEnqueue()).isTrue();
    }
}
