package io.accountlifecycle.purge;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.axonframework.deadline.dbscheduler.DbSchedulerBinaryDeadlineDetails;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManagerSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Axon's deadline task for db-scheduler, run as Axon runs it, but retried soon when a run fails. A purge deadline's
 * run fails when its unit of work cannot commit — the database gone, crashed or out of disk space — which the saga
 * cannot catch (its own retry covers a refused purge command, not a failed commit). db-scheduler's default for a
 * one-time task is to try again in five minutes; a purge owed now should not wait that long for a database back in
 * seconds. Here: 1 s, 2 s, 4 s … at most {@link #MAX_RETRY_DELAY}, by the task's consecutive failures. Same name and
 * data as Axon's, so rows scheduled before (or by Axon's own task) run unchanged.
 */
public final class DeadlineTask {

    static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(DeadlineTask.class);

    private DeadlineTask() {
    }

    public static OneTimeTask<DbSchedulerBinaryDeadlineDetails> retryingSoon(
            DbSchedulerDeadlineManagerSupplier manager) {
        Task<DbSchedulerBinaryDeadlineDetails> axon = DbSchedulerDeadlineManager.binaryTask(manager);
        return Tasks.oneTime(axon.getName(), axon.getDataClass())
                    .onFailure(new RetrySoon<>())
                    .execute((instance, context) -> axon.execute(instance, context));
    }

    /** The delay before the next try, after {@code failures} failed runs in a row (this one included). */
    static Duration retryDelay(int failures) {
        long seconds = 1L << Math.min(Math.max(failures - 1, 0), 6);
        return Duration.ofSeconds(Math.min(seconds, MAX_RETRY_DELAY.toSeconds()));
    }

    private static final class RetrySoon<T> implements FailureHandler<T> {
        @Override
        public void onFailure(ExecutionComplete complete, ExecutionOperations<T> operations) {
            int failures = complete.getExecution().consecutiveFailures + 1;
            Duration delay = retryDelay(failures);
            log.warn("Deadline {} failed ({} in a row: {}); trying again in {} s",
                     complete.getExecution().taskInstance.getId(), failures,
                     complete.getCause().map(Throwable::toString).orElse("no cause"), delay.toSeconds());
            operations.reschedule(complete, complete.getTimeDone().plus(delay));
        }
    }
}
