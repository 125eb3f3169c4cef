package io.accountlifecycle.projections.admin;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.PageView;
import io.accountlifecycle.projections.support.ExclusiveSegments;
import io.accountlifecycle.projections.support.PageQuery;
import io.accountlifecycle.projections.support.StatementGuard;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.ErrorResponseException;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replay, status and dead letters of the projections. A replay stops the projection's processor, lets its reset
 * handler empty its tables, moves its tokens back to the first event and starts it again; the rest of the service —
 * commands, other projections, the saga — keeps running meanwhile.
 */
public class ProjectionAdmin {

    private static final Logger log = LoggerFactory.getLogger(ProjectionAdmin.class);

    private final Configuration axon;
    private final List<String> names;
    /** Events applied per transaction while replaying in bulk. */
    private static final int REPLAY_PAGE = 2_000;

    private final JdbcTemplate jdbc;
    private final StatementGuard guard;
    private final EventStorageEngine storage;
    private final TokenStore tokens;
    private final ExclusiveSegments exclusive;
    private final TransactionManager transactions;
    private final Map<String, BulkReplay> bulk = new ConcurrentHashMap<>();

    public ProjectionAdmin(Configuration axon, List<String> names, JdbcTemplate jdbc, StatementGuard guard,
                           EventStorageEngine storage, TokenStore tokens, TransactionManager transactions,
                           ExclusiveSegments exclusive) {
        this.exclusive = exclusive;
        this.axon = axon;
        this.names = List.copyOf(names);
        this.jdbc = jdbc;
        this.guard = guard;
        this.storage = storage;
        this.tokens = tokens;
        this.transactions = transactions;
    }

    public List<String> names() {
        return names;
    }

    public List<ProjectionStatusView> statuses() {
        return names.stream().map(this::status).toList();
    }

    public ProjectionStatusView status(String name) {
        StreamingEventProcessor processor = processor(name);
        Map<Integer, EventTrackerStatus> segments = processor.processingStatus();
        OptionalLong position = segments.values().stream()
                                        .map(EventTrackerStatus::getCurrentPosition)
                                        .filter(OptionalLong::isPresent)
                                        .mapToLong(OptionalLong::getAsLong)
                                        .min();
        boolean caughtUp = !segments.isEmpty()
                           && segments.values().stream().allMatch(EventTrackerStatus::isCaughtUp);
        SequencedDeadLetterQueue<EventMessage<?>> queue = deadLetterQueue(name);
        BulkReplay replay = bulk.get(name);
        if (replay != null) {
            OptionalLong reached = replay.position() == null ? OptionalLong.empty() : replay.position().position();
            return new ProjectionStatusView(name, true, true, false, segments.size(),
                                            reached.isPresent() ? reached.getAsLong() : null, queue.size(),
                                            queue.amountOfSequences());
        }
        return new ProjectionStatusView(name, processor.isRunning(), processor.isReplaying(), caughtUp,
                                        segments.size(), position.isPresent() ? position.getAsLong() : null,
                                        queue.size(), queue.amountOfSequences());
    }

    /**
     * Rebuilds {@code name} from the first event; returns once the replay has started. The processor stops, its
     * reset handler empties the tables (and its dead letters), the store is applied in bulk ({@link BulkReplay}),
     * and the processor follows the head again from where the bulk phase ended. A replay already running is left
     * alone.
     */
    public synchronized ProjectionStatusView replay(String name) {
        StreamingEventProcessor processor = processor(name);
        if (bulk.containsKey(name)) {
            return status(name);
        }
        log.info("Replaying projection {}: taking its segments from other instances, stopping its processor", name);
        exclusive.acquire(name);
        processor.shutDown();
        try {
            processor.resetTokens();
        } catch (RuntimeException e) {
            processor.start();
            exclusive.release(name);
            throw e;
        }
        BulkReplay replay = new BulkReplay(name, processor, storage, tokens, transactions, REPLAY_PAGE, jdbc);
        bulk.put(name, replay);
        Thread thread = new Thread(() -> {
            try {
                replay.run();
            } finally {
                bulk.remove(name);
                exclusive.release(name);
            }
        }, "BulkReplay[" + name + "]");
        thread.setDaemon(true);
        thread.start();
        log.info("Replaying projection {} from the first event", name);
        return status(name);
    }

    /** Parked events of {@code name}, by account and place in the queue. */
    public PageView<DeadLetterView> deadLetters(String name, int page, int size) {
        processor(name);
        return PageQuery.from("projection_dead_letter")
                        .where("processinggroup = ?", name)
                        .orderBy("sequenceidentifier, sequenceindex")
                        .page(jdbc, "*", page, size, (row, i) -> new DeadLetterView(
                                row.getString("sequenceidentifier"),
                                row.getLong("sequenceindex"),
                                row.getString("eventidentifier"),
                                row.getString("payloadtype"),
                                (Long) row.getObject("sequencenumber"),
                                parse(row.getString("timestamp")),
                                parse(row.getString("enqueuedat")),
                                parse(row.getString("lasttouched")),
                                row.getString("causetype"),
                                cut(row.getString("causemessage"), Limits.MAX_GENERATED_TEXT_LENGTH)));
    }

    /**
     * Tries every parked account's events again, oldest first; an account whose first event still fails stays
     * parked (and the attempt is recorded on it).
     */
    public RetryResult retryDeadLetters(String name) {
        processor(name); // an unknown name is a 404, not a missing queue
        SequencedDeadLetterQueue<EventMessage<?>> queue = deadLetterQueue(name);
        SequencedDeadLetterProcessor<EventMessage<?>> letters =
                axon.eventProcessingConfiguration().sequencedDeadLetterProcessor(name).orElseThrow();
        long sequences = queue.amountOfSequences();
        guard.beCareful();
        int released = 0;
        for (long i = 0; i < sequences; i++) {
            if (letters.processAny()) {
                released++;
            }
        }
        return new RetryResult(released, queue.amountOfSequences());
    }

    /**
     * @param released       accounts whose parked events all applied now
     * @param stillParked    accounts still parked
     */
    public record RetryResult(int released, long stillParked) {
    }

    private StreamingEventProcessor processor(String name) {
        if (!names.contains(name)) {
            throw new UnknownProjectionException(name, names);
        }
        return axon.eventProcessingConfiguration()
                   .eventProcessor(name, StreamingEventProcessor.class)
                   .orElseThrow(() -> new UnknownProjectionException(name, names));
    }

    private SequencedDeadLetterQueue<EventMessage<?>> deadLetterQueue(String name) {
        return axon.eventProcessingConfiguration().deadLetterQueue(name)
                   .orElseThrow(() -> new IllegalStateException("Projection " + name + " has no dead-letter queue"));
    }

    private static String cut(String text, int length) {
        return text == null || text.length() <= length ? text : text.substring(0, length);
    }

    private static Instant parse(String instant) {
        return instant == null ? null : Instant.parse(instant);
    }

    /** A projection name the service does not have. */
    public static class UnknownProjectionException extends ErrorResponseException {
        public UnknownProjectionException(String name, List<String> names) {
            super(HttpStatus.NOT_FOUND, problem(HttpStatus.NOT_FOUND, "Unknown projection",
                                                "No projection '" + name + "'; the projections are " + names), null);
        }
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

}
