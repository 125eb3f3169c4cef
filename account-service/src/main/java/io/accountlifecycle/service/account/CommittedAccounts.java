package io.accountlifecycle.service.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.axonframework.serialization.SerializedObject;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.function.Supplier;

/**
 * The last committed state of recently used accounts, in memory, serialized as a snapshot holds it: what lets
 * {@link AccountRepository} load an account without reading its events. A state is kept only once the transaction
 * that stored it has committed with it: not when Axon's unit of work ends (before the caller's transaction, an HTTP
 * request's or a whole Kafka batch's, commits), not after a rollback, and not when a savepoint was rolled back in
 * that transaction since (the Kafka intake's per-command savepoints), so it never holds a state the database lacks.
 * Bytes rather than the aggregate: every load gets an aggregate of its own, which no other command mutates.
 */
final class CommittedAccounts {

    /** The account as stored up to and including event {@code version}. */
    record Committed(long version, SerializedObject<byte[]> account) {
    }

    private final Cache<String, Committed> states;
    private final boolean enabled;

    CommittedAccounts(int maximumAccounts) {
        this.enabled = maximumAccounts > 0;
        this.states = Caffeine.newBuilder().maximumSize(Math.max(maximumAccounts, 0)).build();
    }

    Committed get(String accountId) {
        return enabled ? states.getIfPresent(accountId) : null;
    }

    void forget(String accountId) {
        states.invalidate(accountId);
    }

    /**
     * Keeps {@code account} (serialized now, as it is now) as the state after event {@code version} once the current
     * transaction commits (a newer state already kept stays); nothing without a transaction to wait for.
     */
    void keepOnCommit(String accountId, long version, Supplier<SerializedObject<byte[]>> account) {
        if (!enabled || !TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        Committed committed = new Committed(version, account.get());
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            private boolean savepointRolledBack;

            @Override
            public void savepointRollback(Object savepoint) {
                savepointRolledBack = true;
            }

            @Override
            public void afterCompletion(int status) {
                if (status == STATUS_COMMITTED && !savepointRolledBack) {
                    states.asMap().merge(accountId, committed,
                                         (kept, stored) -> stored.version() > kept.version() ? stored : kept);
                }
            }
        });
    }
}
