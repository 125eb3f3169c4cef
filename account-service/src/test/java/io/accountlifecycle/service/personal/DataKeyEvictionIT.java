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
@SpringBootTest(properties = "account.crypto.data-key-cache-ttl=PT1H")
class DataKeyEvictionIT {

    @Autowired
    DataKeyStore keys;
    @Autowired
    DataKeyDestructionListener listener;
    @Autowired
    CryptoProperties crypto;

    @Test
    void aKeyDestroyedByAnotherInstanceLeavesThisOnesMemoryWhenThePurgeCommits() {
        await().atMost(Duration.ofSeconds(10)).until(listener::isListening);
        String purged = UUID.randomUUID().toString();
        String kept = UUID.randomUUID().toString();
        keys.getOrCreate(purged);
        keys.getOrCreate(kept);
        assertThat(keys.holds(purged)).isTrue();

        DriverManagerDataSource otherInstance = new DriverManagerDataSource(
                TestInfrastructure.postgres().jdbcUrl("data_key_eviction"),
                RealInfrastructureContextCustomizerFactory.APPLICATION_ROLE,
                RealInfrastructureContextCustomizerFactory.APPLICATION_ROLE);
        DataKeyStore other = new DataKeyStore(new JdbcTemplate(otherInstance), MasterKey.load(crypto, false).aead(),
                                              Duration.ofHours(1));
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
}
