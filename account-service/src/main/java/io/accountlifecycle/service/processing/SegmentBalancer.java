package io.accountlifecycle.service.processing;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shares the segments of every streaming processor fairly between the instances that run it. Axon's pooled processor
 * claims every unclaimed segment it finds, so the first instance up would keep them all and a second one would idle
 * until the first died; Axon balances segments only through Axon Server, which this service does not use. So every
 * instance heartbeats the processors it runs into {@code processing_member}, and one holding more than
 * {@code ceil(segments / live members)} releases the excess for a while, for another instance to claim.
 *
 * <p>Failover needs nothing from here: a killed instance's claims expire after the token store's claim timeout and
 * the survivors claim its segments. Its membership expires sooner (half the claim timeout), so by then a survivor's
 * fair share already counts without it and it keeps what it claimed.
 */
@Component
public class SegmentBalancer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SegmentBalancer.class);

    private final EventProcessingConfiguration processing;
    private final JdbcTemplate jdbc;
    /** The token store's owner name for this instance (Axon's default node id), so claims and membership agree. */
    private final String member = ManagementFactory.getRuntimeMXBean().getName();
    private final Duration period;
    private final Duration memberTtl;
    private final Duration releaseFor;
    private volatile ScheduledExecutorService timer;

    SegmentBalancer(EventProcessingConfiguration processing, JdbcTemplate jdbc,
                    @Value("${axon.eventhandling.tokenstore.claim-timeout:10s}") Duration claimTimeout) {
        this.processing = processing;
        this.jdbc = jdbc;
        this.period = min(Duration.ofSeconds(5), claimTimeout.dividedBy(3));
        this.memberTtl = claimTimeout.dividedBy(2);
        // Longer than a pooled processor's claim scan (5 s), so another instance gets a chance to take it.
        this.releaseFor = claimTimeout.multipliedBy(2).plusSeconds(5);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "segment-balancer");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::balanceAll, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = timer;
        if (running != null) {
            running.shutdownNow();
            timer = null;
        }
        try {
            // Leaving: the others' fair shares grow at once instead of after the membership expires.
            jdbc.update("delete from processing_member where member = ?", member);
        } catch (RuntimeException e) {
            log.debug("Could not remove this instance's processing membership", e);
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }

    /** After Axon's processors start, before they stop (they are started in phase Integer.MAX_VALUE / 2). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE / 2 + 1;
    }

    void balanceAll() {
        try {
            jdbc.update("delete from processing_member where last_seen < ?",
                        Timestamp.from(Instant.now().minus(Duration.ofHours(1))));
        } catch (RuntimeException e) {
            log.warn("Could not balance segments: {}", e.getMessage());
            return;
        }
        for (Map.Entry<String, EventProcessor> entry : processing.eventProcessors().entrySet()) {
            if (entry.getValue() instanceof StreamingEventProcessor processor && processor.isRunning()) {
                try {
                    balance(entry.getKey(), processor);
                } catch (RuntimeException e) {
                    log.warn("Could not balance the segments of {}: {}", entry.getKey(), e.getMessage());
                }
            }
        }
    }

    private void balance(String name, StreamingEventProcessor processor) {
        Instant now = Instant.now();
        jdbc.update("""
                    insert into processing_member (processor_name, member, last_seen) values (?, ?, ?)
                    on conflict (processor_name, member) do update set last_seen = excluded.last_seen""",
                    name, member, Timestamp.from(now));
        long members = jdbc.queryForObject(
                "select count(*) from processing_member where processor_name = ? and last_seen > ?", Long.class,
                name, Timestamp.from(now.minus(memberTtl)));
        long segments = jdbc.queryForObject("select count(*) from token_entry where processor_name = ?", Long.class,
                                            name);
        var held = processor.processingStatus().keySet().stream().sorted(Comparator.reverseOrder()).toList();
        long share = (segments + Math.max(members, 1) - 1) / Math.max(members, 1);
        for (int i = 0; i < held.size() - share; i++) {
            int segment = held.get(i);
            log.info("Releasing segment {} of {}: {} held, a fair share of {} segments among {} instances is {}",
                     segment, name, held.size(), segments, members, share);
            processor.releaseSegment(segment, releaseFor.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
