package io.accountlifecycle.service.recovery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.accountlifecycle.service.eventstore.EventTable;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * The stored row an envelope of {@code account.events} carries (every column of the event store; see
 * {@code EventEnvelope}). Read with Jackson's streaming parser, and the payload and metadata taken as the very bytes
 * of the envelope rather than parsed into a tree and written again: the restore's reader thread parses every record,
 * and this is several times cheaper, and exact.
 */
final class EnvelopeRow {

    private static final JsonFactory JSON = new JsonFactory();

    private EnvelopeRow() {
    }

    /** Thrown for a record that is not a readable envelope; the message says what is wrong with it. */
    static final class UnreadableException extends Exception {
        UnreadableException(String message) {
            super(message);
        }
    }

    static EventTable.Row parse(byte[] value) throws UnreadableException {
        if (value == null) {
            throw new UnreadableException("a tombstone, which the event topic never holds");
        }
        Long globalIndex = null;
        Long sequence = null;
        String eventId = null;
        String aggregateId = null;
        String aggregateType = null;
        String occurredAt = null;
        String payloadType = null;
        String payloadRevision = null;
        byte[] payload = null;
        byte[] metadata = null;
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new UnreadableException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (field) {
                    case "globalIndex" -> globalIndex = number(parser, token, field);
                    case "sequenceNumber" -> sequence = number(parser, token, field);
                    case "eventId" -> eventId = text(parser, token, field);
                    case "aggregateId" -> aggregateId = text(parser, token, field);
                    case "aggregateType" -> aggregateType = text(parser, token, field);
                    case "occurredAt" -> occurredAt = text(parser, token, field);
                    case "payloadType" -> payloadType = text(parser, token, field);
                    case "payloadRevision" -> payloadRevision = text(parser, token, field);
                    case "payload" -> payload = json(parser, token, value);
                    case "metadata" -> metadata = json(parser, token, value);
                    default -> parser.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new UnreadableException("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UnreadableException("not valid JSON: " + e.getMessage());
        }
        if (globalIndex == null || globalIndex < 1) {
            throw new UnreadableException("no global index");
        }
        if (eventId == null || sequence == null || payloadType == null || payload == null || occurredAt == null) {
            throw new UnreadableException("an envelope without eventId, sequenceNumber, payloadType, payload or "
                                          + "occurredAt");
        }
        Instant timestamp;
        try {
            timestamp = Instant.parse(occurredAt);
        } catch (DateTimeParseException e) {
            throw new UnreadableException("occurredAt is not an ISO-8601 instant");
        }
        return new EventTable.Row(globalIndex, eventId, aggregateId != null ? aggregateId : eventId, sequence,
                                  aggregateType, timestamp, payloadType, payloadRevision, payload, metadata);
    }

    private static Long number(JsonParser parser, JsonToken token, String field)
            throws IOException, UnreadableException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new UnreadableException(field + " is not a whole number");
        }
        return parser.getLongValue();
    }

    private static String text(JsonParser parser, JsonToken token, String field)
            throws IOException, UnreadableException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new UnreadableException(field + " is not text");
        }
        return parser.getText();
    }

    /** The JSON of an object (or array) value as it stands in the envelope; null for JSON null. */
    private static byte[] json(JsonParser parser, JsonToken token, byte[] value) throws IOException,
            UnreadableException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
            throw new UnreadableException("payload and metadata must be JSON objects");
        }
        int start = (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        int end = (int) parser.currentTokenLocation().getByteOffset() + 1;
        return Arrays.copyOfRange(value, start, end);
    }
}
