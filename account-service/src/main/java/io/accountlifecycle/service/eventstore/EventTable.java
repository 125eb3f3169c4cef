package io.accountlifecycle.service.eventstore;

import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every read of the event table outside Axon's storage engine, and the restore's bulk write into it: named by the
 * {@link EventSchema}, and events handed out as messages through the event serializer and the upcaster chain, so a
 * caller never parses a payload or matches a class name itself. No other class of the service writes SQL against the
 * event table (an architecture test holds to that).
 */
public class EventTable {

    /** Rows a streaming read fetches from the server at a time. */
    private static final int FETCH_SIZE = 1_000;

    private final JdbcTemplate jdbc;
    private final Serializer serializer;
    private final EventUpcaster upcasters;
    private final String table;
    private final String globalIndex;
    private final String timestamp;
    private final String eventId;
    private final String aggregateId;
    private final String sequence;
    private final String aggregateType;
    private final String payloadType;
    private final String payloadRevision;
    private final String payload;
    private final String metaData;
    private final String domainFields;

    public EventTable(JdbcTemplate jdbc, EventSchema schema, Serializer eventSerializer, EventUpcaster upcasters) {
        this.jdbc = jdbc;
        this.serializer = eventSerializer;
        this.upcasters = upcasters;
        this.table = schema.domainEventTable();
        this.globalIndex = schema.globalIndexColumn();
        this.timestamp = schema.timestampColumn();
        this.eventId = schema.eventIdentifierColumn();
        this.aggregateId = schema.aggregateIdentifierColumn();
        this.sequence = schema.sequenceNumberColumn();
        this.aggregateType = schema.typeColumn();
        this.payloadType = schema.payloadTypeColumn();
        this.payloadRevision = schema.payloadRevisionColumn();
        this.payload = schema.payloadColumn();
        this.metaData = schema.metaDataColumn();
        this.domainFields = String.join(", ", aggregateType, aggregateId, sequence, eventId, timestamp, payloadType,
                                        payloadRevision, payload, metaData);
    }

    /** Where and when an event was stored, exactly as the store has it (a message's own instant may be rounded). */
    public record StoredPosition(long globalIndex, Instant timestamp) {
    }

    /** The stored position of each of these events that is in the table, by event id. */
    public Map<String, StoredPosition> positions(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Map.of();
        }
        Map<String, StoredPosition> positions = new HashMap<>();
        jdbc.query(connection -> {
            PreparedStatement query = connection.prepareStatement(
                    "select " + eventId + ", " + globalIndex + ", " + timestamp + " from " + table + " where "
                    + eventId + " = any(?)");
            query.setArray(1, connection.createArrayOf("varchar", eventIds.toArray()));
            return query;
        }, (RowCallbackHandler) row -> positions.put(row.getString(1), new StoredPosition(
                row.getLong(2), row.getObject(3, OffsetDateTime.class).toInstant())));
        return positions;
    }

    /**
     * How many events of this type were stored after {@code since}. The type is written into the statement, not bound:
     * a partial index on it (the quarantines' one) is then usable by every plan, also a cached generic one.
     */
    public long countSince(Class<?> eventType, Instant since) {
        Long count = jdbc.queryForObject("select count(*) from " + table + " where " + payloadType + " = '"
                                         + eventType.getName() + "' and " + timestamp + " > ?", Long.class,
                                         Timestamp.from(since));
        return count == null ? 0 : count;
    }

    /**
     * How many events of these types were stored after {@code since}; the types are written into the statement, as
     * {@link #countSince(Class, Instant)} does, so a partial index covering them serves it.
     */
    public long countSince(Set<Class<?>> eventTypes, Instant since) {
        Long count = jdbc.queryForObject("select count(*) from " + table + " where " + payloadType + " in ("
                                         + literals(eventTypes) + ") and " + timestamp + " > ?", Long.class,
                                         Timestamp.from(since));
        return count == null ? 0 : count;
    }

    /**
     * The events of these types stored after {@code from} and up to {@code to}, in the order they were stored (types
     * written into the statement, so a partial index covering them serves it).
     */
    public void readOfTypesBetween(Set<Class<?>> eventTypes, Instant from, Instant to,
                                   Consumer<DomainEventMessage<?>> each) {
        List<DomainEventData<?>> rows = new ArrayList<>();
        jdbc.query("select " + domainFields + " from " + table + " where " + payloadType + " in ("
                   + literals(eventTypes) + ") and " + timestamp + " > ? and " + timestamp + " <= ? order by "
                   + globalIndex, (RowCallbackHandler) row -> rows.add(domainEntry(row)), Timestamp.from(from),
                   Timestamp.from(to));
        deserialize(rows.stream(), each);
    }

    /**
     * The last event of {@code type} of each of these aggregates that has one: one index probe per aggregate, walking
     * its stream backwards from the end, so a long history of such events costs no more than a short one.
     */
    public void readLastOfType(Collection<String> aggregateIds, Class<?> type, Consumer<DomainEventMessage<?>> each) {
        if (aggregateIds.isEmpty()) {
            return;
        }
        List<DomainEventData<?>> rows = new ArrayList<>();
        jdbc.query(connection -> {
            PreparedStatement query = connection.prepareStatement(
                    "select e.* from unnest(?) as ids(id) cross join lateral (select " + domainFields + " from "
                    + table + " where " + aggregateId + " = ids.id and " + payloadType + " = '" + type.getName()
                    + "' order by " + sequence + " desc limit 1) e");
            query.setArray(1, connection.createArrayOf("varchar", aggregateIds.toArray()));
            return query;
        }, (RowCallbackHandler) row -> rows.add(domainEntry(row)));
        deserialize(rows.stream(), each);
    }

    /**
     * The events of one aggregate numbered {@code first} to {@code last}, both included, in sequence order: a range
     * scan of the (aggregate, sequence) unique key that fetches those rows and no others (a page of a long history
     * costs what the page holds).
     */
    public void readAggregateRange(String aggregate, long first, long last, Consumer<DomainEventMessage<?>> each) {
        List<DomainEventData<?>> rows = new ArrayList<>();
        jdbc.query("select " + domainFields + " from " + table + " where " + aggregateId + " = ? and " + sequence
                   + " between ? and ? order by " + sequence, (RowCallbackHandler) row -> rows.add(domainEntry(row)),
                   aggregate, first, last);
        deserialize(rows.stream(), each);
    }

    /**
     * Every stored event of one aggregate, oldest first, exactly as the store has it (payload and metadata as their
     * stored JSON, not read through the upcasters): what {@code account.events} carries, for a purge certificate's
     * hash chain.
     */
    public List<Row> readAggregateRows(String aggregate) {
        return jdbc.query("select " + globalIndex + ", " + eventId + ", " + aggregateId + ", " + sequence + ", "
                          + aggregateType + ", " + timestamp + ", " + payloadType + ", " + payloadRevision + ", "
                          + payload + ", " + metaData + " from " + table + " where " + aggregateId + " = ? order by "
                          + sequence,
                          (row, number) -> new Row(row.getLong(1), row.getString(2), row.getString(3), row.getLong(4),
                                                   row.getString(5), row.getObject(6, OffsetDateTime.class).toInstant(),
                                                   row.getString(7), row.getString(8), row.getBytes(9),
                                                   row.getBytes(10)),
                          aggregate);
    }

    private static String literals(Set<Class<?>> types) {
        return types.stream().map(type -> "'" + type.getName() + "'").sorted().collect(Collectors.joining(", "));
    }

    /**
     * The events of these aggregates in one query, each aggregate's in sequence order, leaving out the payload types
     * in {@code except} (a reader that needs no profile changes spares their rows).
     */
    public void readAggregates(Collection<String> aggregateIds, Set<Class<?>> except,
                               Consumer<DomainEventMessage<?>> each) {
        if (aggregateIds.isEmpty()) {
            return;
        }
        List<DomainEventData<?>> rows = new ArrayList<>();
        jdbc.query(connection -> {
            PreparedStatement query = connection.prepareStatement(
                    "select " + domainFields + " from " + table + " where " + aggregateId + " = any(?) and "
                    + payloadType + " <> all(?) order by " + aggregateId + ", " + sequence);
            query.setArray(1, connection.createArrayOf("varchar", aggregateIds.toArray()));
            query.setArray(2, connection.createArrayOf("varchar", names(except)));
            return query;
        }, (RowCallbackHandler) row -> rows.add(domainEntry(row)));
        deserialize(rows.stream(), each);
    }

    /**
     * Every event of the aggregates of {@code type} (an aggregate class's simple name, as Axon stores it) that hold at
     * least one event outside {@code quiet}, grouped by aggregate in sequence order and streamed from the server,
     * leaving out the payload types in {@code except}. An aggregate whose every event is in {@code quiet} is not read
     * at all: the set names what may be passed over, so an event type added later is read by default.
     */
    public void readAllOfType(String type, Set<Class<?>> quiet, Set<Class<?>> except,
                              Consumer<DomainEventMessage<?>> each) {
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            boolean autoCommit = connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false); // PostgreSQL streams a result with a fetch size only in a transaction
            }
            try (PreparedStatement query = connection.prepareStatement(
                    "select " + domainFields + " from " + table + " where " + aggregateType + " = ? and "
                    + payloadType + " <> all(?) and " + aggregateId + " in (select " + aggregateId + " from " + table
                    + " where " + aggregateType + " = ? and " + payloadType + " <> all(?)) order by " + aggregateId
                    + ", " + sequence)) {
                query.setFetchSize(FETCH_SIZE);
                query.setString(1, type);
                query.setArray(2, connection.createArrayOf("varchar", names(except)));
                query.setString(3, type);
                query.setArray(4, connection.createArrayOf("varchar", names(quiet)));
                List<DomainEventData<?>> page = new ArrayList<>(FETCH_SIZE);
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        page.add(domainEntry(row));
                        if (page.size() == FETCH_SIZE) {
                            deserialize(page.stream(), each);
                            page.clear();
                        }
                    }
                }
                deserialize(page.stream(), each);
            } finally {
                if (autoCommit) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
            }
            return null;
        });
    }

    /** Whether any event is stored. */
    public boolean isEmpty() {
        return !Boolean.TRUE.equals(jdbc.queryForObject("select exists(select 1 from " + table + ")", Boolean.class));
    }

    public long count() {
        Long count = jdbc.queryForObject("select count(*) from " + table, Long.class);
        return count == null ? 0 : count;
    }

    /** The highest global index stored (0 when empty): the head of the store. */
    public long head() {
        Long head = jdbc.queryForObject("select coalesce(max(" + globalIndex + "), 0) from " + table, Long.class);
        return head == null ? 0 : head;
    }

    /**
     * A query giving every stored event as one line of text, column {@code row}: every column, payload and metadata
     * as normalised JSON, instants in microseconds in UTC. For checksums that compare two stores whatever order their
     * rows were written in.
     */
    public static String rowsAsText(EventSchema schema) {
        return """
               select %s || '|' || %s || '|' || %s || '|' || %s || '|' || coalesce(%s, '') || '|'
                      || to_char(%s at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' || %s
                      || '|' || coalesce(%s, '') || '|' || convert_from(%s, 'UTF8')::jsonb::text
                      || '|' || coalesce(convert_from(%s, 'UTF8')::jsonb::text, '') as row
               from %s""".formatted(schema.globalIndexColumn(), schema.eventIdentifierColumn(),
                                    schema.aggregateIdentifierColumn(), schema.sequenceNumberColumn(),
                                    schema.typeColumn(), schema.timestampColumn(), schema.payloadTypeColumn(),
                                    schema.payloadRevisionColumn(), schema.payloadColumn(), schema.metaDataColumn(),
                                    schema.domainEventTable());
    }

    /** One stored event exactly as the store has it: what the event topic carries, and a restore writes back. */
    public record Row(long globalIndex, String eventId, String aggregateId, long sequence, String aggregateType,
                      Instant timestamp, String payloadType, String payloadRevision, byte[] payload,
                      byte[] metaData) {
    }

    /**
     * Moves a restore's staged events into the table, in the caller's transaction; returns how many were written.
     * {@code staging} has the table's columns and holds each global index once. Into an empty table (a restore's),
     * PostgreSQL's bulk-load order: the indexes and the constraints they back are dropped, the rows inserted, then
     * each is built again from its own definition in one sort, several times cheaper than maintaining five indexes row
     * by row; the transaction makes this all or nothing (a killed merge leaves the table empty, with every index).
     * Into a table that has rows (a restore begun by an earlier version of the service), row by row, skipping an event
     * already stored.
     */
    public long insertStaged(String staging) {
        String columns = String.join(", ", globalIndex, eventId, aggregateId, sequence, aggregateType, timestamp,
                                     payloadType, payloadRevision, payload, metaData);
        Boolean referenced = jdbc.queryForObject("select exists (select 1 from pg_constraint where confrelid = "
                                                 + "?::regclass)", Boolean.class, table);
        if (!isEmpty() || Boolean.TRUE.equals(referenced)) {
            return jdbc.update("insert into " + table + " (" + columns + ") select " + columns + " from " + staging
                               + " on conflict (" + eventId + ") do nothing");
        }
        List<String> drop = new ArrayList<>();
        List<String> build = new ArrayList<>();
        jdbc.query("""
                   select quote_ident(conname), pg_get_constraintdef(oid) from pg_constraint
                   where conrelid = ?::regclass and contype in ('p', 'u', 'x') order by contype, conname""",
                   (RowCallbackHandler) row -> {
                       drop.add("alter table " + table + " drop constraint " + row.getString(1));
                       build.add("alter table " + table + " add constraint " + row.getString(1) + " "
                                 + row.getString(2));
                   }, table);
        jdbc.query("""
                   select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) from pg_index i
                   where i.indrelid = ?::regclass
                     and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
                   order by 1""", (RowCallbackHandler) row -> {
            drop.add(0, "drop index " + row.getString(1));
            build.add(row.getString(2));
        }, table);
        drop.forEach(jdbc::execute);
        int inserted = jdbc.update("insert into " + table + " (" + columns + ") select " + columns + " from "
                                   + staging);
        // Sorts for the index builds in memory where they fit: only the restore runs on this database now.
        jdbc.execute("set local maintenance_work_mem = '256MB'");
        build.forEach(jdbc::execute);
        jdbc.execute("analyze " + table);
        return inserted;
    }

    /**
     * Moves the global-index sequence past the highest restored index, so new events are numbered after the restored
     * ones. Only the owner may set a sequence: a restore runs as the owner.
     */
    public void advanceGlobalIndexPastHead() {
        long highest = head();
        Long drawn = jdbc.queryForObject("select nextval(pg_get_serial_sequence(?, ?))", Long.class, table,
                                         globalIndex);
        if (drawn != null && drawn < highest) {
            jdbc.queryForObject("select setval(pg_get_serial_sequence(?, ?), ?)", Long.class, table, globalIndex,
                                highest);
        }
    }

    private static Object[] names(Set<Class<?>> types) {
        return types.stream().map(Class::getName).toArray();
    }

    private void deserialize(Stream<DomainEventData<?>> rows, Consumer<DomainEventMessage<?>> each) {
        EventStreamUtils.asStream(EventStreamUtils.upcastAndDeserializeDomainEvents(rows, serializer, upcasters))
                        .forEach(each);
    }

    private DomainEventData<?> domainEntry(ResultSet row) throws SQLException {
        return new GenericDomainEventEntry<>(row.getString(1), row.getString(2), row.getLong(3), row.getString(4),
                                             row.getObject(5, OffsetDateTime.class).toInstant(), row.getString(6),
                                             row.getString(7), row.getBytes(8), row.getBytes(9));
    }
}
