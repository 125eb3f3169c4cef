package io.accountlifecycle.service.eventstore;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.springframework.context.annotation.Bean;

/**
 * Axon's snapshotter for every aggregate that declares a snapshot trigger, taking each snapshot in a transaction of
 * its own after the one that triggered it ({@link AfterTransactionExecutor}). Axon's default takes it in the command's
 * thread while the caller's transaction (the HTTP request's, a whole Kafka batch's) is still open: a snapshot that
 * failed there, say two instances storing the same version under the snapshot table's key, would abort that
 * transaction in PostgreSQL and take its commands with it, and every command that triggered one would wait for it.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
class SnapshotterConfiguration {

    @Bean
    AfterTransactionExecutor snapshotExecutor() {
        return new AfterTransactionExecutor("snapshotter");
    }

    @Bean
    SpringAggregateSnapshotter aggregateSnapshotter(Configuration configuration, HandlerDefinition handlerDefinition,
                                                    ParameterResolverFactory parameterResolverFactory,
                                                    EventStore eventStore, TransactionManager transactionManager,
                                                    SnapshotterSpanFactory spanFactory,
                                                    AfterTransactionExecutor snapshotExecutor) {
        return SpringAggregateSnapshotter.builder()
                                         .repositoryProvider(configuration::repository)
                                         .transactionManager(transactionManager)
                                         .eventStore(eventStore)
                                         .parameterResolverFactory(parameterResolverFactory)
                                         .handlerDefinition(handlerDefinition)
                                         .spanFactory(spanFactory)
                                         .executor(snapshotExecutor)
                                         .build();
    }
}
