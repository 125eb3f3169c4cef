package io.accountlifecycle.service.account;

import org.springframework.transaction.SavepointManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Spring transactions, savepoints included, with nothing behind them: what gives a unit test the synchronization
 * callbacks (commit, rollback, savepoint rollback) that the service's transactions give.
 */
final class SynchronizationOnlyTransactionManager extends AbstractPlatformTransactionManager {

    private static final class Transaction implements SavepointManager {
        @Override
        public Object createSavepoint() {
            return new Object();
        }

        @Override
        public void rollbackToSavepoint(Object savepoint) {
        }

        @Override
        public void releaseSavepoint(Object savepoint) {
        }
    }

    SynchronizationOnlyTransactionManager() {
        setNestedTransactionAllowed(true);
    }

    @Override
    protected Object doGetTransaction() {
        return new Transaction();
    }

    @Override
    protected boolean isExistingTransaction(Object transaction) {
        return TransactionSynchronizationManager.isActualTransactionActive();
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
    }

    @Override
    protected void doRollback(DefaultTransactionStatus status) {
    }

    @Override
    protected void doSetRollbackOnly(DefaultTransactionStatus status) {
    }
}
