package io.accountlifecycle.service.deletion;

import io.accountlifecycle.service.roles.Roles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Expires approvals that waited past {@code account.deletion.approval-ttl}, and forgets ledger rows older than the
 * windows, every
 * {@code account.deletion.approval-expiry-interval} (default a minute), on the role that runs the deletion saga. An
 * approval arriving after the TTL is refused whether or not this has run yet.
 */
@Component
@ConditionalOnProperty(name = Roles.DELETION_SAGA, havingValue = "true", matchIfMissing = true)
class DeletionApprovalExpiry {

    private static final Logger log = LoggerFactory.getLogger(DeletionApprovalExpiry.class);

    private final DeletionApprovals approvals;
    private final Duration interval;
    private ScheduledExecutorService timer;

    DeletionApprovalExpiry(DeletionApprovals approvals,
                           @Value("${account.deletion.approval-expiry-interval:PT1M}") Duration interval) {
        this.approvals = approvals;
        this.interval = interval;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "deletion-approval-expiry");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                int expired = approvals.expireStale();
                if (expired > 0) {
                    log.info("{} deletion approvals expired unanswered", expired);
                }
                approvals.prune();
            } catch (RuntimeException e) {
                log.warn("Expiring stale deletion approvals failed; trying again in {}", interval, e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @EventListener(ContextClosedEvent.class)
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
