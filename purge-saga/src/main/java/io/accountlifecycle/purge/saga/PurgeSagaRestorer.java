package io.accountlifecycle.purge.saga;

import io.accountlifecycle.purge.PurgeSagaConfiguration;
import org.axonframework.common.IdentifierFactory;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManagerSupplier;
import org.axonframework.modelling.saga.AssociationValue;
import org.axonframework.modelling.saga.SagaScopeDescriptor;
import org.axonframework.modelling.saga.repository.SagaStore;
import org.axonframework.serialization.Serializer;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Writes the purge saga of a restored account back as the saga would have left it: the saga in its store, associated
 * with the account, and its purge deadline at the original instant in the deadline table — without running the saga,
 * whose handlers would send their commands again. Works on a service whose saga role is off (the deadline scheduler
 * is only written to, never started here).
 */
public class PurgeSagaRestorer {

    private static final String SAGA_TYPE = AccountPurgeSaga.class.getSimpleName();

    private final SagaStore<Object> sagas;
    private final DeadlineManager deadlines;
    private final TransactionManager transactions;
    private final DataSource dataSource;

    public PurgeSagaRestorer(ConnectionProvider connections, DataSource dataSource,
                             org.axonframework.config.Configuration axon, Serializer serializer,
                             TransactionManager transactions) {
        this.sagas = PurgeSagaConfiguration.newSagaStore(connections);
        DbSchedulerDeadlineManagerSupplier supplier = new DbSchedulerDeadlineManagerSupplier();
        this.deadlines = PurgeSagaConfiguration.newDeadlineManager(
                PurgeSagaConfiguration.newScheduler(dataSource, supplier), axon, serializer, transactions, supplier);
        this.transactions = transactions;
        this.dataSource = dataSource;
    }

    /** The accounts that have a purge saga already (a resumed restore does not restore theirs twice). */
    public Set<UUID> accountsWithSaga() {
        Set<UUID> accounts = new HashSet<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "select association_value from association_value_entry where association_key = 'accountId'");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                accounts.add(UUID.fromString(rows.getString(1)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the purge sagas' associations", e);
        }
        return accounts;
    }

    /**
     * A quarantined account: its saga, and its purge at {@code purgeDueAt} (in the past: it fires at once); an
     * erasure's deadline (extended, if it was) comes back with it, or null for a standard request.
     */
    public void quarantined(UUID accountId, Instant purgeDueAt, Instant erasureDeadline) {
        transactions.executeInTransaction(() -> {
            String sagaId = IdentifierFactory.getInstance().generateIdentifier();
            String deadlineId = deadlines.schedule(purgeDueAt, AccountPurgeSaga.PURGE_DEADLINE, accountId,
                                                   new SagaScopeDescriptor(SAGA_TYPE, sagaId));
            sagas.insertSaga(AccountPurgeSaga.class, sagaId, AccountPurgeSaga.restored(accountId, purgeDueAt,
                                                                                       deadlineId, erasureDeadline),
                             Set.of(new AssociationValue("accountId", accountId.toString())));
        });
    }

    /**
     * An account whose deletion was requested but not yet quarantined: its saga waits for the quarantine (the caller
     * sends the command), then schedules the purge as usual.
     */
    public void requested(UUID accountId, Instant erasureDeadline) {
        transactions.executeInTransaction(() -> sagas.insertSaga(
                AccountPurgeSaga.class, IdentifierFactory.getInstance().generateIdentifier(),
                AccountPurgeSaga.restored(accountId, null, null, erasureDeadline),
                Set.of(new AssociationValue("accountId", accountId.toString()))));
    }
}
