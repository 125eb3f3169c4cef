package io.accountlifecycle.service.eventstore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The event store: Axon's JDBC engine on the Flyway-owned schema in {@code db/migration/service}, Jackson for every
 * payload, message and token (no XStream), and the one reader of the event table outside Axon ({@link EventTable}).
 */
@Configuration(proxyBeanMethods = false)
public class EventStoreConfiguration {

    /** Snake-case names for Axon's event and snapshot tables, matching V1__event_store.sql. */
    public static EventSchema eventSchema() {
        return EventSchema.builder()
                          .eventTable("domain_event_entry")
                          .snapshotTable("snapshot_event_entry")
                          .globalIndexColumn("global_index")
                          .timestampColumn("time_stamp")
                          .eventIdentifierColumn("event_identifier")
                          .aggregateIdentifierColumn("aggregate_identifier")
                          .sequenceNumberColumn("sequence_number")
                          .typeColumn("type")
                          .payloadTypeColumn("payload_type")
                          .payloadRevisionColumn("payload_revision")
                          .payloadColumn("payload")
                          .metaDataColumn("meta_data")
                          .build();
    }

    /** The mapper behind every Axon serializer; additive event changes deserialize, dates are ISO-8601. */
    public static ObjectMapper axonObjectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    // Axon's JDBC and transaction auto-configurations order themselves after Boot 3's class names, so on Boot 4 they
    // may run before the DataSource exists and silently fall back to in-memory token stores and no transactions.
    // Declaring the infrastructure here makes it unconditional.

    @Bean
    TransactionManager axonTransactionManager(PlatformTransactionManager transactionManager) {
        return new SpringTransactionManager(transactionManager);
    }

    /**
     * Connections bound to Spring's transaction, nothing more. Axon's default wraps this in a provider that commits or
     * rolls back the physical connection itself when a unit of work ends, behind Spring's back: it would commit an
     * enclosing transaction half-way (a new data key, a batch of Kafka commands) or roll it back past its savepoints.
     */
    @Bean
    ConnectionProvider axonConnectionProvider(DataSource dataSource) {
        return new SpringDataSourceConnectionProvider(dataSource);
    }

    /**
     * A second event at the same (aggregate, sequence) is a concurrent change, not a storage failure. Axon's
     * JDBC resolver only knows {@code SQLIntegrityConstraintViolationException}, which PostgreSQL's driver never
     * throws; PostgreSQL says {@code unique_violation} by SQLState.
     */
    @Bean
    PersistenceExceptionResolver persistenceExceptionResolver() {
        return exception -> {
            for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                    return true;
                }
            }
            return false;
        };
    }

    @Bean
    TokenStore tokenStore(ConnectionProvider connectionProvider, Serializer serializer, TokenSchema schema,
                          @Value("${axon.eventhandling.tokenstore.claim-timeout:10s}") Duration claimTimeout) {
        return JdbcTokenStore.builder()
                             .connectionProvider(connectionProvider)
                             .schema(schema)
                             .serializer(serializer)
                             .claimTimeout(claimTimeout)
                             .build();
    }

    @Bean
    EventSchema axonEventSchema() {
        return eventSchema();
    }

    @Bean
    EventTable eventTable(JdbcTemplate jdbc, EventSchema schema, @Qualifier("eventSerializer") Serializer eventSerializer,
                          org.axonframework.config.Configuration configuration) {
        return new EventTable(jdbc, schema, eventSerializer, configuration.upcasterChain());
    }

    @Bean
    TokenSchema tokenSchema() {
        return TokenSchema.builder()
                          .setTokenTable("token_entry")
                          .setProcessorNameColumn("processor_name")
                          .setSegmentColumn("segment")
                          .setTokenColumn("token")
                          .setTokenTypeColumn("token_type")
                          .setTimestampColumn("timestamp")
                          .setOwnerColumn("owner")
                          .build();
    }

    @Bean
    @Primary
    Serializer serializer() {
        return JacksonSerializer.builder().objectMapper(axonObjectMapper()).build();
    }

    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer() {
        return JacksonSerializer.builder().objectMapper(axonObjectMapper()).build();
    }

    @Bean
    @Qualifier("messageSerializer")
    Serializer messageSerializer() {
        return JacksonSerializer.builder().objectMapper(axonObjectMapper()).build();
    }

    @Bean
    PostgresEventStorageEngine eventStorageEngine(Serializer serializer,
                                                  @Qualifier("eventSerializer") Serializer eventSerializer,
                                                  PersistenceExceptionResolver persistenceExceptionResolver,
                                                  ConnectionProvider connectionProvider,
                                                  TransactionManager transactionManager,
                                                  EventSchema schema,
                                                  DataSource dataSource,
                                                  @Value("${account.eventstore.max-gap-offset:10000}") int maxGapOffset,
                                                  @Value("${account.eventstore.gap-timeout:60000}") int gapTimeout,
                                                  org.axonframework.config.Configuration configuration) {
        return PostgresEventStorageEngine.from(JdbcEventStorageEngine.builder()
                                         .snapshotSerializer(serializer)
                                         .eventSerializer(eventSerializer)
                                         .upcasterChain(configuration.upcasterChain())
                                         .persistenceExceptionResolver(persistenceExceptionResolver)
                                         .snapshotFilter(configuration.snapshotFilter())
                                         .connectionProvider(connectionProvider)
                                         .transactionManager(transactionManager)
                                         .schema(schema)
                                         .dataType(byte[].class)
                                         .batchSize(500)
                                         .gapTimeout(gapTimeout),
                                               dataSource, maxGapOffset);
    }

    /** Commits announced on this instance and to the others ({@code LISTEN/NOTIFY}); see {@link EventCommitSignal}. */
    @Bean(destroyMethod = "close")
    EventCommitSignal eventCommitSignal(DataSource dataSource) {
        return new EventCommitSignal(dataSource, Duration.ofSeconds(10), Duration.ofMillis(5));
    }

    /**
     * Processors are woken when events are committed, here or on another instance ({@link EventCommitSignal},
     * {@link WakeableEventStore}); {@code fetch-delay} is only the fallback: how often the store looks by itself when
     * no wake-up came (a lost notification, a listener reconnecting). {@code cached-events} is how many recent events
     * the processors share in memory (Axon's default is 10,000): under a second of sign-up load, so that an event
     * leaves memory before a young collection copies it again and again; a processor further behind reads from the
     * table, as it does after any pause.
     */
    @Bean
    EmbeddedEventStore eventStore(EventStorageEngine storageEngine, org.axonframework.config.Configuration configuration,
                                  EventCommitSignal commitSignal,
                                  @Value("${account.eventstore.fetch-delay:1s}") Duration fetchDelay,
                                  @Value("${account.eventstore.head-read-interval:20ms}") Duration headReadInterval,
                                  @Value("${account.eventstore.cached-events:1000}") int cachedEvents) {
        WakeableEventStore store = new WakeableEventStore(
                EmbeddedEventStore.builder()
                                  .storageEngine(storageEngine)
                                  .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                                  .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                                  .fetchDelay(fetchDelay.toMillis())
                                  .cachedEvents(cachedEvents),
                fetchDelay.toMillis());
        if (storageEngine instanceof PostgresEventStorageEngine engine) {
            engine.signalCommitsTo(commitSignal);
            engine.readAtTheHeadEvery(headReadInterval);
        }
        commitSignal.onCommit(store::wake);
        commitSignal.start();
        return store;
    }
}
