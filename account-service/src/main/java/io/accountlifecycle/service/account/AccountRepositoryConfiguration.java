package io.accountlifecycle.service.account;

import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.modelling.command.RepositorySpanFactory;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The account's repository ({@link AccountRepository}), built as Axon builds an aggregate's by default, with the
 * account's snapshot trigger, and the last committed state of up to {@code account.cache.accounts} accounts (default
 * 10,000; 0: none) kept in memory, serialized by the serializer snapshots use.
 */
@Configuration(proxyBeanMethods = false)
public class AccountRepositoryConfiguration {

    /** The bean name {@link Account} refers to. */
    public static final String REPOSITORY = "accountRepository";

    @Bean(REPOSITORY)
    AccountRepository accountRepository(EventStore eventStore,
                                        @Qualifier(AccountSnapshotConfiguration.TRIGGER)
                                        SnapshotTriggerDefinition snapshotTrigger,
                                        ParameterResolverFactory parameterResolverFactory,
                                        HandlerDefinition handlerDefinition, RepositorySpanFactory spanFactory,
                                        Serializer serializer,
                                        @Value("${account.cache.accounts:10000}") int cachedAccounts) {
        return new AccountRepository(EventSourcingRepository.builder(Account.class)
                                                            .parameterResolverFactory(parameterResolverFactory)
                                                            .handlerDefinition(handlerDefinition)
                                                            .snapshotTriggerDefinition(snapshotTrigger)
                                                            .spanFactory(spanFactory),
                                     eventStore, serializer, new CommittedAccounts(cachedAccounts));
    }
}
