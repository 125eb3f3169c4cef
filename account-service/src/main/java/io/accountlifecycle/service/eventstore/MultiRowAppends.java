package io.accountlifecycle.service.eventstore;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.JdbcEventStorageEngineStatements;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.TimestampWriter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Axon's append statement ({@code AppendEventsStatementBuilder}) with every event in one {@code INSERT ... VALUES
 * (...), (...)}: one statement, one round trip, where Axon's adds a row per event to a JDBC batch. The columns, their
 * order and what is written in them are Axon's; PostgreSQL evaluates the global index default row by row, in the
 * order of the rows, so an aggregate's events keep their order in the global index. Past {@link #MAX_ROWS} events
 * (PostgreSQL takes at most 65,535 parameters in a statement) it is Axon's statement.
 */
final class MultiRowAppends {

    /** Nine parameters a row: well below PostgreSQL's limit of 65,535 a statement. */
    static final int MAX_ROWS = 5_000;
    private static final int COLUMNS = 9;

    private MultiRowAppends() {
    }

    static PreparedStatement build(Connection connection, EventSchema schema, Class<?> dataType,
                                   List<? extends EventMessage<?>> events, Serializer serializer,
                                   TimestampWriter timestamps) throws SQLException {
        if (events.size() <= 1 || events.size() > MAX_ROWS) {
            return JdbcEventStorageEngineStatements.appendEvents(connection, schema, dataType, events, serializer,
                                                                 timestamps);
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(schema.domainEventTable()).append(" (")
                                                             .append(schema.domainEventFields()).append(") VALUES ");
        for (int row = 0; row < events.size(); row++) {
            sql.append(row == 0 ? "" : ",").append("(?,?,?,?,?,?,?,?,?)");
        }
        PreparedStatement statement = connection.prepareStatement(sql.toString());
        int first = 0;
        for (EventMessage<?> message : events) {
            DomainEventMessage<?> event = asDomainEventMessage(message);
            SerializedObject<?> payload = event.serializePayload(serializer, dataType);
            SerializedObject<?> metaData = event.serializeMetaData(serializer, dataType);
            statement.setString(first + 1, event.getIdentifier());
            statement.setString(first + 2, event.getAggregateIdentifier());
            statement.setLong(first + 3, event.getSequenceNumber());
            statement.setString(first + 4, event.getType());
            timestamps.writeTimestamp(statement, first + 5, event.getTimestamp());
            statement.setString(first + 6, payload.getType().getName());
            statement.setString(first + 7, payload.getType().getRevision());
            statement.setObject(first + 8, payload.getData());
            statement.setObject(first + 9, metaData.getData());
            first += COLUMNS;
        }
        statement.addBatch();
        return statement;
    }

    /** As Axon stores an event that belongs to no aggregate: its own id as the aggregate's, sequence 0, no type. */
    private static <T> DomainEventMessage<T> asDomainEventMessage(EventMessage<T> event) {
        return event instanceof DomainEventMessage<T> domain
               ? domain : new GenericDomainEventMessage<>(null, event.getIdentifier(), 0L, event, event::getTimestamp);
    }
}
