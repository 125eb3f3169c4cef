package io.accountlifecycle.service.processing;

import io.accountlifecycle.projections.support.ExclusiveSegments;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 *
 * <p>A processor can also be taken whole ({@link #acquire}, for a projection replay): the others release every
 * segment of it while the {@code processing_exclusive} row is theirs to see, kept fresh by its holder.
 */
@Component
public class SegmentBalancer implements SmartLifecycle, ExclusiveSegments {

    private static final Logger log = LoggerFactory.getLogger(SegmentBalancer.class);

    private final EventProcessingConfiguration processing;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    /** The token store's owner name for this instance (Axon's default node id), so claims and membership agree. */
    private final String member = ManagementFactory.getRuntimeMXBean().getName();
    private final Duration period;
    private final Duration memberTtl;
    private final Duration releaseFor;
    private final Duration claimTimeout;
    private volatile ScheduledExecutorService timer;

    SegmentBalancer(EventProcessingConfiguration processing, JdbcTemplate jdbc, PlatformTransactionManager transactions,
                    @Value("${axon.eventhandling.tokenstore.claim-timeout:10s}") Duration claimTimeout) {
        this.processing = processing;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.period = min(Duration.ofSeconds(5), claimTimeout.dividedBy(3));
        this.memberTtl = claimTimeout.dividedBy(2);
        this.claimTimeout = claimTimeout;
        // Longer than a pooled processor's claim scan (5 s), so another instance gets a chance to take it.
        this.releaseFor = claimTimeout.multipliedBy(2).plusSeconds(5);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void start() {
        // A restarted container can come back under the same name: a replay its predecessor left unfinished is over.
        jdbc.update("delete from processing_exclusive where member = ?", member);
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
        Map<String, StreamingEventProcessor> running = new TreeMap<>();
        processing.eventProcessors().forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor streaming && streaming.isRunning()) {
                running.put(name, streaming);
            }
        });
        Round round;
        try {
            round = transactions.execute(status -> heartbeat(running.keySet(), Instant.now()));
        } catch (RuntimeException e) {
            log.warn("Could not balance segments: {}", e.getMessage());
            return;
        }
        running.forEach((name, processor) -> {
            try {
                balance(name, processor, round);
            } catch (RuntimeException e) {
                log.warn("Could not balance the segments of {}: {}", name, e.getMessage());
            }
        });
    }

    /**
     * What a round decides on, read in one transaction with this instance's heartbeats for every processor it runs:
     * a few statements and one commit a round, not four statements and a commit per processor (an idle instance's
     * most frequent queries and commits were these).
     */
    private Round heartbeat(Collection<String> processors, Instant now) {
        jdbc.update("delete from processing_member where last_seen < ?",
                    Timestamp.from(now.minus(Duration.ofHours(1))));
        // Processors taken by this instance stay taken while it lives (its processor is stopped meanwhile).
        jdbc.update("update processing_exclusive set expires_at = ? where member = ?",
                    Timestamp.from(now.plus(exclusiveTtl())), member);
        Map<String, String> holders = new HashMap<>();
        jdbc.query("select processor_name, member from processing_exclusive where expires_at > ?",
                   (RowCallbackHandler) row -> holders.put(row.getString(1), row.getString(2)), Timestamp.from(now));
        List<Object[]> members = processors.stream()
                                           .filter(name -> holders.getOrDefault(name, member).equals(member))
                                           .map(name -> new Object[] {name, member, Timestamp.from(now)})
                                           .toList();
        jdbc.batchUpdate("""
                         insert into processing_member (processor_name, member, last_seen) values (?, ?, ?)
                         on conflict (processor_name, member) do update set last_seen = excluded.last_seen""",
                         members);
        return new Round(holders,
                         counts("select processor_name, count(*) from processing_member where last_seen > ? "
                                + "group by processor_name", Timestamp.from(now.minus(memberTtl))),
                         counts("select processor_name, count(*) from token_entry group by processor_name"));
    }

    private Map<String, Long> counts(String sql, Object... arguments) {
        Map<String, Long> counts = new HashMap<>();
        jdbc.query(sql, (RowCallbackHandler) row -> counts.put(row.getString(1), row.getLong(2)), arguments);
        return counts;
    }

    /** A round's view: who has taken a processor whole, and each processor's live members and segments. */
    private record Round(Map<String, String> holders, Map<String, Long> members, Map<String, Long> segments) {
    }

    @Override
    public void acquire(String processor) {
        Instant now = Instant.now();
        int taken = jdbc.update("""
                insert into processing_exclusive (processor_name, member, expires_at) values (?, ?, ?)
                on conflict (processor_name) do update set member = excluded.member, expires_at = excluded.expires_at
                where processing_exclusive.member = excluded.member or processing_exclusive.expires_at < ?""",
                processor, member, Timestamp.from(now.plus(exclusiveTtl())), Timestamp.from(now));
        if (taken == 0) {
            throw new IllegalStateException("Another instance has taken " + processor + " (a replay running there)");
        }
        Instant deadline = now.plus(claimTimeout.multipliedBy(3)).plusSeconds(10);
        while (heldElsewhere(processor) > 0) {
            if (Instant.now().isAfter(deadline)) {
                release(processor);
                throw new IllegalStateException("Other instances still hold segments of " + processor + " after "
                                                + Duration.between(now, Instant.now()).toSeconds() + " s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                release(processor);
                throw new IllegalStateException("Interrupted while taking " + processor, e);
            }
        }
        log.info("Took every segment of {} for this instance", processor);
    }

    @Override
    public void release(String processor) {
        jdbc.update("delete from processing_exclusive where processor_name = ? and member = ?", processor, member);
    }

    private long heldElsewhere(String processor) {
        return jdbc.queryForObject("select count(*) from token_entry where processor_name = ? and owner is not null "
                                   + "and owner <> ?", Long.class, processor, member);
    }

    /** Refreshed every round by its holder; outlives it by this much when it dies. */
    private Duration exclusiveTtl() {
        return claimTimeout.multipliedBy(3);
    }

    private void balance(String name, StreamingEventProcessor processor, Round round) {
        String holder = round.holders().get(name);
        if (holder != null && !holder.equals(member)) {
            for (int segment : processor.processingStatus().keySet()) {
                log.info("Releasing segment {} of {}: instance {} has taken it", segment, name, holder);
                processor.releaseSegment(segment, period.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        long members = round.members().getOrDefault(name, 0L);
        long segments = round.segments().getOrDefault(name, 0L);
        var held = processor.processingStatus().keySet().stream().sorted(Comparator.reverseOrder()).toList();
        long share = (segments + Math.max(members, 1) - 1) / Math.max(members, 1);
        for (int i = 0; i < held.size() - share; i++) {
            int segment = held.get(i);
            log.info("Releasing segment {} of {}: {} held, a fair share of {} segments among {} instances is {}",
                     segment, name, held.size(), segments, members, share);
            processor.releaseSegment(segment, releaseFor.toMillis(), TimeUnit.MILLISECONDS);
        }
        // Below its share, this instance claims unclaimed segments itself rather than waiting for its processor's
        // claim scan: that scan skips a segment for up to a minute after the segment's work failed (Axon backs off
        // 1 s, 2 s, … 60 s, and resets only when a batch of that segment is handled), so a segment released by
        // another instance could stay unprocessed until that instance took it back.
        long missing = share - held.size();
        if (missing > 0) {
            List<Integer> unclaimed = jdbc.queryForList(
                    "select segment from token_entry where processor_name = ? and owner is null order by segment "
                    + "limit ?", Integer.class, name, missing);
            for (int segment : unclaimed) {
                log.info("Claiming segment {} of {}: {} held, a fair share of {} segments among {} instances is {}",
                         segment, name, held.size(), segments, members, share);
                processor.claimSegment(segment);
            }
        }
    }
}
