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
    void anythingElseParksTheEvent() {
        assertThat(policy.decide(letter, new IllegalStateException("unknown plan")).shouldEnqueue()).isTrue();
        assertThat(policy.decide(letter, new DataIntegrityViolationException("value too long")).shouldEnqueue())
                .isTrue();
        assertThat(policy.decide(letter, new RuntimeException(new SQLException("poisoned row", "P0001")))
                           .shouldEnqueue()).isTrue();
    }
}
