package io.accountlifecycle.service.eventstore;

import io.accountlifecycle.service.command.CachedCommandTargetResolver;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Axon's auto-configuration can silently fall back to in-memory token stores, no transactions or XStream; this
 * pins what is really in use.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AxonWiringIT {

    @Autowired
    Configuration axon;
    @Autowired
    TokenStore tokenStore;
    @Autowired
    EventStorageEngine engine;
    @Autowired
    TransactionManager transactionManager;

    @Test
    void tokensLiveInPostgresAndEventsInOurEngine() {
        assertThat(tokenStore).isInstanceOf(JdbcTokenStore.class);
        assertThat(engine).isInstanceOf(PostgresEventStorageEngine.class);
        assertThat(transactionManager).isInstanceOf(SpringTransactionManager.class);
        assertThat(axon.eventProcessingConfiguration().tokenStore("account-events-publisher"))
                .isInstanceOf(JdbcTokenStore.class);
    }

    @Test
    void aggregatesFindTheirCommandsTargetThroughTheCachedResolver() {
        // AggregateConfigurer asks the configuration for this component, falling back to Axon's per-command scan.
        assertThat(axon.getComponent(CommandTargetResolver.class, () -> null))
                .isInstanceOf(CachedCommandTargetResolver.class);
    }

    @Test
    void everythingIsSerializedWithJacksonAndXStreamIsNotEvenOnTheClasspath() {
        assertThat(axon.serializer()).isInstanceOf(JacksonSerializer.class);
        assertThat(axon.eventSerializer()).isInstanceOf(JacksonSerializer.class);
        assertThat(axon.messageSerializer()).isInstanceOf(JacksonSerializer.class);
        assertThatThrownBy(() -> Class.forName("com.thoughtworks.xstream.XStream"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
