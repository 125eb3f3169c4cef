package io.accountlifecycle.service.account;

import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.Repository;
import org.springframework.context.ApplicationContext;

import java.util.UUID;

/** The account as a command on an instance would find it: loaded through the account's repository, then let go. */
final class LoadedAccounts {

    private LoadedAccounts() {
    }

    @SuppressWarnings("unchecked")
    static AccountState stateOf(ApplicationContext instance, UUID id) {
        Repository<Account> repository = instance.getBean(AccountRepositoryConfiguration.REPOSITORY, Repository.class);
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        try {
            return repository.load(id.toString()).invoke(Account::state);
        } finally {
            unitOfWork.rollback();
        }
    }
}
