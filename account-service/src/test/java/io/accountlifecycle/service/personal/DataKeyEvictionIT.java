package io.accountlifecycle.service.personal;

import io.accountlifecycle.testsupport.RealInfrastructureContextCustomizerFactory;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A purged account's key leaves every instance's memory when the purge commits, not when its hour in the cache is
 * up: another instance's destruction reaches this one through PostgreSQL's notification, and a rolled-back one never
 * does.
 */
@RealPostgres(database = "data_key_eviction")
@RealKafka
@SpringBootTest(properties = {"account.crypto.data-key-cache-ttl=PT1H",
                              "account.crypto.new-data-key-cache-ttl=PT1H"})
class DataKeyEvictionIT {

    @Autowired
    DataKeyStore keys;
    @Autowired
    DataKeyDestructionListener listener;
    @Autowired
    CryptoProperties crypto;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aKeyDestroyedByAnotherInstanceLeavesThisOnesMemoryWhenThePurgeCommits() {
        await().atMost(Duration.ofSeconds(10)).until(listener::isListening);
        String purged = UUID.randomUUID().toString();
        String kept = UUID.randomUUID().toString();
        keys.getOrCreate(purged);
        keys.getOrCreate(kept);
        assertThat(keys.holds(purged)).isTrue();

        DriverManagerDataSource otherInstance = otherInstance();
        DataKeyStore other = new DataKeyStore(new JdbcTemplate(otherInstance), MasterKey.load(crypto, false).aead(),
                                              Duration.ofHours(1), Duration.ofHours(1));
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(otherInstance));

        transaction.executeWithoutResult(status -> {
            other.destroy(kept);
            status.setRollbackOnly(); // a purge that failed: nothing was destroyed, nothing is forgotten
        });
        transaction.executeWithoutResult(status -> other.destroy(purged));

        await().atMost(Duration.ofSeconds(3)).until(() -> !keys.holds(purged));
        assertThat(keys.find(purged)).isEmpty();
        assertThat(keys.holds(kept)).as("a rolled-back destruction is never announced").isTrue();
        assertThat(keys.find(kept)).isPresent();
    }

    /**
     * A key created in a transaction is kept in memory only once it is committed: a key whose savepoint was rolled
     * back (a refused command in a Kafka poll or a group commit) is not, and neither is any key of a rolled-back
     * transaction; a key created and committed is kept without being read back.
     */
    @Test
    void onlyCommittedKeysAreKeptInMemory() {
        TransactionTemplate transaction = new TransactionTemplate(transactions);
        TransactionTemplate savepoint = new TransactionTemplate(transactions);
        savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        String committed = UUID.randomUUID().toString();
        String rolledBackSavepoint = UUID.randomUUID().toString();
        String afterRollback = UUID.randomUUID().toString();
        String rolledBack = UUID.randomUUID().toString();

        transaction.executeWithoutResult(outer -> {
            keys.getOrCreate(committed);
            savepoint.executeWithoutResult(nested -> {
                keys.getOrCreate(rolledBackSavepoint);
                nested.setRollbackOnly();
            });
            keys.getOrCreate(afterRollback);
            assertThat(keys.holds(committed)).as("not before the commit").isFalse();
        });
        transaction.executeWithoutResult(status -> {
            keys.getOrCreate(rolledBack);
            status.setRollbackOnly();
        });

        assertThat(keys.holds(committed)).isTrue();
        assertThat(keys.holds(afterRollback)).isTrue();
        assertThat(keys.holds(rolledBackSavepoint)).as("its row went with its savepoint").isFalse();
        assertThat(keys.holds(rolledBack)).isFalse();
        assertThat(keys.find(rolledBackSavepoint)).isEmpty();
        assertThat(keys.find(rolledBack)).isEmpty();
    }

    /**
     * The key of an account opened here stays in memory only briefly (the publication opens that account's first
     * events within it), not for the whole cache time: under sign-up load every new account's key outlived many
     * young collections. A key asked for again afterwards is read back and kept for the whole cache time.
     */
    @Test
    void aNewKeyStaysInMemoryBrieflyAndAKeyReadBackForTheWholeCacheTime() {
        DataKeyStore store = new DataKeyStore(new JdbcTemplate(otherInstance()), MasterKey.load(crypto, false).aead(),
                                              Duration.ofHours(1), Duration.ofMillis(300));
        String opened = UUID.randomUUID().toString();
        store.getOrCreate(opened);
        assertThat(store.holds(opened)).as("kept for the publication").isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> !store.holds(opened));
        assertThat(store.find(opened)).as("read back from the table").isPresent();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> store.holds(opened));
    }

    private static DriverManagerDataSource otherInstance() {
        return new DriverManagerDataSource(TestInfrastructure.postgres().jdbcUrl("data_key_eviction"),
                                           RealInfrastructureContextCustomizerFactory.APPLICATION_ROLE,
                                           RealInfrastructureContextCustomizerFactory.APPLICATION_ROLE);
    }
}
