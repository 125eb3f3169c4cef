package io.accountlifecycle.service.eventstore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.awaitility.Awaitility.await;

class AfterTransactionExecutorTest {

    private final AfterTransactionExecutor executor = new AfterTransactionExecutor("after-transaction-test");

    @AfterEach
    void tearDown() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.clearSynchronization();
        }
        executor.close();
    }

    @Test
    void aTaskHandedOverInATransactionRunsOnlyOnceItHasEndedEvenByRollback() {
        TransactionSynchronizationManager.initSynchronization();
        CountDownLatch ran = new CountDownLatch(1);
        executor.execute(ran::countDown);

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> ran.getCount() == 1);
        TransactionSynchronizationUtils.invokeAfterCompletion(TransactionSynchronizationManager.getSynchronizations(),
                                                              TransactionSynchronization.STATUS_ROLLED_BACK);
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.getCount() == 0);
    }

    @Test
    void aTaskHandedOverOutsideATransactionRunsAtOnceOnItsOwnThread() {
        String[] thread = new String[1];
        executor.execute(() -> thread[0] = Thread.currentThread().getName());
        await().atMost(Duration.ofSeconds(5)).until(() -> "after-transaction-test".equals(thread[0]));
    }
}
