package io.accountlifecycle.service.eventstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Axon's JDBC engine on our own PostgreSQL schema, with three changes.
 * <p>
 * Timestamps are {@code timestamptz} rather than Axon's default ISO strings, so "as of" reads, tokens at an instant
 * and analysts' SQL compare instants, not text of varying width.
 * <p>
 * No event is ever skipped. Stock Axon decides whether to remember a hole in the global index from the visible
 * neighbour's timestamp, and forgets holes after {@code gapTimeout}: an event whose transaction commits late is then
 * never delivered to any processor (AxonFramework issue 4829). Here every hole below a visible event is remembered
 * (up to {@code maxGapOffset} behind), and dropped only once it is provably permanent: when first seen, a fresh
 * transaction id R is noted; once the oldest running transaction is at least R, every transaction that could have
 * drawn that index has ended (the index default takes a transaction id before it draws), so a hole still empty then
 * is a rollback. See docs/adr/0003-no-event-is-ever-skipped.md.
 * <p>
 * Several events are appended in one multi-row statement ({@link MultiRowAppends}), and a group of commands sharing a
 * transaction can hold its appends back to write them all at its end ({@link #holdAppends()}; ADR 14).
 */
public class PostgresEventStorageEngine extends JdbcEventStorageEngine {

    private final DataSource dataSource;
    private final int maxGapOffset;
    private final long lowestGlobalSequence;
    private final String eventTable;
    private final String globalIndexColumn;
    private volatile EventCommitSignal commitSignal;
    private volatile HeadReadPacing headPacing = new HeadReadPacing(Duration.ZERO);
    private final ThreadLocal<Held> held = new ThreadLocal<>();
    private static final long PERMANENT = Long.MIN_VALUE;
    /**
     * Global index of a hole → the transaction id that was fresh when this instance first saw it, or
     * {@link #PERMANENT} once the hole is proven to be a rollback.
     */
    private final Cache<Long, Long> holeFirstSeen = Caffeine.newBuilder()
                                                            .expireAfterAccess(Duration.ofMinutes(30))
                                                            .maximumSize(1_000_000)
                                                            .build();

    protected PostgresEventStorageEngine(Builder builder, DataSource dataSource, int maxGapOffset,
                                         long lowestGlobalSequence) {
        super(builder);
        this.dataSource = dataSource;
        this.maxGapOffset = maxGapOffset;
        this.lowestGlobalSequence = lowestGlobalSequence;
        this.eventTable = schema().domainEventTable();
        this.globalIndexColumn = schema().globalIndexColumn();
    }

    /**
     * Builds this engine from a configured {@link JdbcEventStorageEngine#builder()} (its constructor is private);
     * Axon's own time-based gap cleaning is switched off, since holes are cleaned here by proof, and several events are
     * appended in one multi-row statement.
     */
    public static PostgresEventStorageEngine from(Builder builder, DataSource dataSource, int maxGapOffset) {
        builder.maxGapOffset(maxGapOffset).gapCleaningThreshold(Integer.MAX_VALUE).lowestGlobalSequence(1)
               .appendEvents(MultiRowAppends::build);
        return new PostgresEventStorageEngine(builder, dataSource, maxGapOffset, 1);
    }

    /**
     * How often a reader at the head of the table reads while events keep arriving ({@link HeadReadPacing}); zero reads
     * again at once, as Axon does.
     */
    public void readAtTheHeadEvery(Duration interval) {
        this.headPacing = new HeadReadPacing(interval);
    }

    /** Says when events were stored: {@link EventCommitSignal} wakes the processors once the transaction commits. */
    public void signalCommitsTo(EventCommitSignal signal) {
        this.commitSignal = signal;
    }

    /**
     * Holds this thread's appends back until {@link #writeHeldAppends()}: a group of commands sharing a transaction
     * (a Kafka poll's) then writes all their events in one multi-row statement ({@link MultiRowAppends}), one round
     * trip instead of one per command, and draws their global indexes at the end of the group, so the event readers
     * see fewer holes from transactions still running. A read of an aggregate's events or its last sequence number
     * writes what is held first, so a command sees the events of the commands before it. A duplicate event (an id
     * used before) is refused only when the held events are written: the group then rolls back and runs its commands
     * one by one. Every call must be paired with {@link #releaseHeldAppends()}, in a finally block.
     */
    public void holdAppends() {
        if (held.get() != null) {
            throw new IllegalStateException("This thread already holds its appends back");
        }
        held.set(new Held());
    }

    /** Writes the events held back since {@link #holdAppends()} (in the caller's transaction); holds on. */
    public void writeHeldAppends() {
        Held holding = held.get();
        if (holding != null && !holding.events.isEmpty()) {
            List<EventMessage<?>> events = new ArrayList<>(holding.events);
            holding.events.clear();
            write(events, holding.serializer);
        }
    }

    /** Stops holding appends back; what is still held is dropped (its transaction or savepoint is rolling back). */
    public void releaseHeldAppends() {
        held.remove();
    }

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        Held holding = held.get();
        if (holding != null) {
            holding.events.addAll(events);
            holding.serializer = serializer;
            return;
        }
        write(events, serializer);
    }

    private void write(List<? extends EventMessage<?>> events, Serializer serializer) {
        super.appendEvents(events, serializer);
        EventCommitSignal signal = commitSignal;
        if (signal != null && !events.isEmpty()) {
            signal.appended();
        }
    }

    @Override
    protected List<? extends DomainEventData<?>> fetchDomainEvents(String aggregateIdentifier,
                                                                   long firstSequenceNumber, int batchSize) {
        writeHeldAppends();
        return super.fetchDomainEvents(aggregateIdentifier, firstSequenceNumber, batchSize);
    }

    @Override
    protected Stream<? extends DomainEventData<?>> readSnapshotData(String aggregateIdentifier) {
        writeHeldAppends();
        return super.readSnapshotData(aggregateIdentifier);
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        writeHeldAppends();
        return super.lastSequenceNumberFor(aggregateIdentifier);
    }

    /** Events a thread holds back, and the serializer they are to be written with. */
    private static final class Held {
        private final List<EventMessage<?>> events = new ArrayList<>();
        private Serializer serializer;
    }

    @Override
    protected Object readTimeStamp(ResultSet resultSet, String columnName) throws SQLException {
        OffsetDateTime value = resultSet.getObject(columnName, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /**
     * Truncated to microseconds, the precision of {@code timestamptz}: the driver would round a clock's nanoseconds,
     * and an event at .924999700 would be stored at .925000, a millisecond after the same event folded in memory (one
     * event in two thousand). Truncating twice is truncating once: an event read back folds as it did when applied.
     */
    @Override
    protected void writeTimestamp(PreparedStatement statement, int position, Instant timestamp) throws SQLException {
        statement.setObject(position, OffsetDateTime.ofInstant(timestamp.truncatedTo(ChronoUnit.MICROS),
                                                               ZoneOffset.UTC));
    }

    @Override
    protected List<? extends TrackedEventData<?>> fetchTrackedEvents(TrackingToken lastToken, int batchSize) {
        TrackingToken token = lastToken;
        if (lastToken instanceof GapAwareTrackingToken gapAware && !gapAware.getGaps().isEmpty()) {
            token = withoutPermanentHoles(gapAware);
        }
        HeadReadPacing pacing = headPacing;
        long started = pacing.beforeRead();
        List<? extends TrackedEventData<?>> events = super.fetchTrackedEvents(token, batchSize);
        pacing.afterRead(started, events.size(), batchSize);
        return events;
    }

    /**
     * Like Axon's, except that holes below a visible event are always remembered, whatever its timestamp. The event is
     * read as Axon reads it, but Axon's token is not computed: advancing a token copies its set of holes, which during
     * a burst holds the indexes of every transaction still running, and the copy made for a token thrown away was
     * about 6 % of the service's CPU samples in a profile of a Kafka burst.
     */
    @Override
    protected TrackedEventData<?> getTrackedEventData(ResultSet resultSet, GapAwareTrackingToken previousToken)
            throws SQLException {
        long index = resultSet.getLong(globalIndexColumn);
        var schema = schema();
        String aggregateIdentifier = resultSet.getString(schema.aggregateIdentifierColumn());
        String eventIdentifier = resultSet.getString(schema.eventIdentifierColumn());
        DomainEventData<?> event = new GenericDomainEventEntry<>(
                resultSet.getString(schema.typeColumn()),
                eventIdentifier.equals(aggregateIdentifier) ? null : aggregateIdentifier,
                resultSet.getLong(schema.sequenceNumberColumn()),
                eventIdentifier,
                readTimeStamp(resultSet, schema.timestampColumn()),
                resultSet.getString(schema.payloadTypeColumn()),
                resultSet.getString(schema.payloadRevisionColumn()),
                readPayload(resultSet, schema.payloadColumn()),
                readPayload(resultSet, schema.metaDataColumn()));
        GapAwareTrackingToken token;
        if (previousToken == null) {
            long firstHole = Math.max(lowestGlobalSequence, index - maxGapOffset);
            token = GapAwareTrackingToken.newInstance(
                    index, LongStream.range(firstHole, index).boxed().collect(TreeSet::new, TreeSet::add,
                                                                               TreeSet::addAll));
        } else {
            token = previousToken.advanceTo(index, maxGapOffset);
        }
        return new TrackedDomainEventData<>(token, event);
    }

    private GapAwareTrackingToken withoutPermanentHoles(GapAwareTrackingToken token) {
        SortedSet<Long> holes = token.getGaps();
        SortedSet<Long> remaining = new TreeSet<>(holes);
        // Holes already proven permanent (e.g. while the stream is idle, the token keeps them until a newer event)
        // cost nothing more: no new transaction id, no query.
        remaining.removeIf(hole -> Long.valueOf(PERMANENT).equals(holeFirstSeen.getIfPresent(hole)));
        if (remaining.isEmpty()) {
            return GapAwareTrackingToken.newInstance(token.getIndex(), remaining);
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            List<Long> unseen = remaining.stream().filter(hole -> holeFirstSeen.getIfPresent(hole) == null).toList();
            if (!unseen.isEmpty()) {
                long fresh = queryLong(connection, "select pg_current_xact_id()::text::bigint");
                unseen.forEach(hole -> holeFirstSeen.put(hole, fresh));
            }
            long oldestRunning = queryLong(connection,
                                           "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint");
            List<Long> settled = new ArrayList<>();
            for (Long hole : remaining) {
                Long firstSeen = holeFirstSeen.getIfPresent(hole);
                if (firstSeen != null && oldestRunning >= firstSeen) {
                    settled.add(hole);
                }
            }
            if (!settled.isEmpty()) {
                Set<Long> filled = present(connection, settled);
                for (Long hole : settled) {
                    if (!filled.contains(hole)) {
                        remaining.remove(hole); // its transaction ended without the row: a rollback, gone for good
                        holeFirstSeen.put(hole, PERMANENT);
                    }
                }
            }
            return remaining.size() == holes.size() ? token
                                                    : GapAwareTrackingToken.newInstance(token.getIndex(), remaining);
        } catch (SQLException e) {
            throw new EventStoreException("Cannot check holes in the global index", e);
        }
    }

    private Set<Long> present(Connection connection, List<Long> indexes) throws SQLException {
        Set<Long> found = new HashSet<>();
        try (PreparedStatement query = connection.prepareStatement(
                "select " + globalIndexColumn + " from " + eventTable + " where " + globalIndexColumn + " = any(?)")) {
            Array array = connection.createArrayOf("bigint", indexes.toArray());
            query.setArray(1, array);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getLong(1));
                }
            }
        }
        return found;
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
