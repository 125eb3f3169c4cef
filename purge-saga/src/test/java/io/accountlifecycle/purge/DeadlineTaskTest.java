package io.accountlifecycle.purge;

import com.github.kagkarlsson.scheduler.task.FailureHandler;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManagerSupplier;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A failed deadline run is tried again within seconds, not db-scheduler's five minutes; rows stay Axon's. */
class DeadlineTaskTest {

    @Test
    void aFailedRunIsTriedAgainSoonBackingOffToAMinute() {
        assertThat(IntStream.rangeClosed(1, 9).mapToObj(DeadlineTask::retryDelay).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L);
    }

    @Test
    void itIsAxonsTaskByNameAndDataWithItsOwnFailureHandling() {
        DbSchedulerDeadlineManagerSupplier supplier = new DbSchedulerDeadlineManagerSupplier();
        var axon = DbSchedulerDeadlineManager.binaryTask(supplier);
        var task = DeadlineTask.retryingSoon(supplier);
        assertThat(task.getName()).isEqualTo(axon.getName());
        assertThat(task.getDataClass()).isEqualTo(axon.getDataClass());
        assertThat(task.getFailureHandler()).isNotInstanceOf(FailureHandler.OnFailureRetryLater.class)
                                            .isNotInstanceOf(axon.getFailureHandler().getClass());
    }
}
