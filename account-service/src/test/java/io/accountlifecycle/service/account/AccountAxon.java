package io.accountlifecycle.service.account;

import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Axon configured around the account as the service configures it (its {@link AccountRepository}, the service's
 * Jackson serializer, commands in Spring transactions) on a store a test chooses, without the rest of the service.
 */
final class AccountAxon {

    static final Serializer SERIALIZER = JacksonSerializer.builder()
                                                          .objectMapper(EventStoreConfiguration.axonObjectMapper())
                                                          .build();

    private AccountAxon() {
    }

    static Configuration start(EventStorageEngine storage, DeletionSafeguards safeguards,
                               PlatformTransactionManager transactions, CommittedAccounts committed) {
        return DefaultConfigurer.defaultConfiguration()
                                .configureEmbeddedEventStore(c -> storage)
                                .configureSerializer(c -> SERIALIZER)
                                .registerComponent(TransactionManager.class,
                                                   c -> new SpringTransactionManager(transactions))
                                .registerComponent(DeletionSafeguards.class, c -> safeguards)
                                .configureAggregate(AggregateConfigurer.defaultConfiguration(Account.class)
                                        .configureRepository(c -> new AccountRepository(
                                                EventSourcingRepository.builder(Account.class)
                                                        .parameterResolverFactory(c.parameterResolverFactory())
                                                        .handlerDefinition(c.handlerDefinition(Account.class)),
                                                c.eventStore(), SERIALIZER, committed)))
                                .start();
    }
}
