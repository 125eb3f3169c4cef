package io.accountlifecycle.purge;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.kagkarlsson.scheduler.Scheduler;
import io.accountlifecycle.purge.saga.AccountPurgeSaga;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurationScopeAwareProvider;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManagerSupplier;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.modelling.saga.repository.SagaStore;
import org.axonframework.modelling.saga.repository.jdbc.JdbcSagaStore;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSchema;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;

/**
 * The deletion saga role: the purge saga, its JDBC saga store and the persistent deadline manager (db-scheduler on
 * PostgreSQL — its Spring Boot starter does not configure itself on Boot 4). Off with
 * {@code account.purge.saga.enabled=false}: no saga processor, no deadline polling. The pause switch is in
 * {@link PurgeControlConfiguration}, pending purges are a projection. Migrations: {@code db/migration/purge-saga}.
 */
@AutoConfiguration
@ConditionalOnProperty(name = "account.purge.saga.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(PurgeSettings.class)
@Import(AccountPurgeSaga.class)
public class PurgeSagaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PurgeSagaConfiguration.class);
    public static final String SAGA_PROCESSOR = AccountPurgeSaga.class.getSimpleName() + "Processor";

    /** Sagas are stored by their fields (they have no getters); collaborators are handler parameters, never state. */
    @Bean
    SagaStore<Object> sagaStore(ConnectionProvider connectionProvider) {
        return newSagaStore(connectionProvider);
    }

    /** The saga store as the saga uses it; also what a restore writes restored sagas into. */
    public static SagaStore<Object> newSagaStore(ConnectionProvider connectionProvider) {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        SagaSchema schema = SagaSchema.builder()
                                      .sagaEntryTable("saga_entry")
                                      .associationValueEntryTable("association_value_entry")
                                      .revisionColumn("revision")
                                      .serializedSagaColumn("serialized_saga")
                                      .associationKeyColumn("association_key")
                                      .associationValueColumn("association_value")
                                      .sagaIdColumn("saga_id")
                                      .sagaTypeColumn("saga_type")
                                      .build();
        return JdbcSagaStore.builder()
                            .connectionProvider(connectionProvider)
                            .sqlSchema(new PostgresSagaSqlSchema(schema))
                            .serializer(JacksonSerializer.builder().objectMapper(mapper).build())
                            .build();
    }

    @Bean
    DbSchedulerDeadlineManagerSupplier deadlineManagerSupplier() {
        return new DbSchedulerDeadlineManagerSupplier();
    }

    /**
     * db-scheduler on the service's database: a deadline is a row of {@code scheduled_tasks}, so it survives restarts,
     * and one instance picks it (row lock), so it fires once. Statements join a running Spring transaction, so a
     * deadline scheduled by a saga commits with the saga.
     */
    @Bean
    Scheduler purgeDeadlineScheduler(DataSource dataSource, DbSchedulerDeadlineManagerSupplier supplier) {
        return newScheduler(dataSource, supplier);
    }

    /** The deadlines' db-scheduler on {@code scheduled_tasks}; a restore schedules through one it never starts. */
    public static Scheduler newScheduler(DataSource dataSource, DbSchedulerDeadlineManagerSupplier supplier) {
        return Scheduler.create(new TransactionAwareDataSourceProxy(dataSource),
                                List.of(DeadlineTask.retryingSoon(supplier)))
                        .tableName("scheduled_tasks")
                        .pollingInterval(Duration.ofSeconds(1))
                        // A deadline picked by an instance that died, or whose run a database crash cut short (its
                        // row stays picked), is run again after missed heartbeats (6 by default): about 30 s, not
                        // db-scheduler's default half hour. A heartbeat is one update per running deadline.
                        .heartbeatInterval(Duration.ofSeconds(5))
                        .threads(2)
                        .build();
    }

    @Bean
    DeadlineManager deadlineManager(Scheduler scheduler, org.axonframework.config.Configuration configuration,
                                    Serializer serializer, TransactionManager transactionManager,
                                    DbSchedulerDeadlineManagerSupplier supplier) {
        return newDeadlineManager(scheduler, configuration, serializer, transactionManager, supplier);
    }

    public static DeadlineManager newDeadlineManager(Scheduler scheduler,
                                                     org.axonframework.config.Configuration configuration,
                                                     Serializer serializer, TransactionManager transactionManager,
                                                     DbSchedulerDeadlineManagerSupplier supplier) {
        DbSchedulerDeadlineManager manager =
                DbSchedulerDeadlineManager.builder()
                                          .scheduler(scheduler)
                                          .scopeAwareProvider(new ConfigurationScopeAwareProvider(configuration))
                                          .serializer(serializer)
                                          .transactionManager(transactionManager)
                                          .startScheduler(false)
                                          .stopScheduler(false)
                                          .build();
        supplier.set(manager);
        return manager;
    }

    /** Started once the application is ready (migrations done, sagas registered): an overdue purge never misfires. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> startPurgeDeadlines(Scheduler scheduler) {
        return event -> {
            scheduler.start();
            log.info("Purge deadlines running (db-scheduler on scheduled_tasks)");
        };
    }

    @Bean
    ApplicationListener<ContextClosedEvent> stopPurgeDeadlines(Scheduler scheduler) {
        return event -> scheduler.stop();
    }

    /** The saga retries a failing event instead of Axon's default of logging and moving on. */
    @Bean
    ConfigurerModule purgeErrorsAreRetried() {
        return configurer -> configurer.eventProcessing()
                                       .registerListenerInvocationErrorHandler(SAGA_PROCESSOR,
                                                                               c -> PropagatingErrorHandler.instance());
    }
}
