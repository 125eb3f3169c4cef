package io.accountlifecycle.service.recovery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.accountlifecycle.service.eventstore.EventTable;

import java.io.IOException;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * The stored row an envelope of {@code account.events} carries (every column of the event store; see
 * {@code EventEnvelope}). Read with Jackson's streaming parser, and the payload and metadata taken as the very bytes
 * of the envelope rather than parsed into a tree and written again: the restore's reader thread parses every record,
 * and this is several times cheaper, and exact.
 */
final class EnvelopeRow {

    /**
     * Buffers recycled through a pool of its own rather than Jackson's default thread-local soft references, which
     * the collector clears under a restore's allocation rate (a new recycler and its buffers for every record).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
                                                       .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                                                       .build();

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
            timestamp = instant(occurredAt);
        } catch (DateTimeException e) {
            throw new UnreadableException("occurredAt is not an ISO-8601 instant");
        }
        return new EventTable.Row(globalIndex, eventId, aggregateId != null ? aggregateId : eventId, sequence,
                                  aggregateType, timestamp, payloadType, payloadRevision, payload, metadata);
    }

    private static final int[] SCALE = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    /**
     * {@code occurredAt} as the publisher writes it ({@link Instant#toString()}: {@code 2026-12-05T05:22:11.123456Z}),
     * read directly: {@link Instant#parse} through a {@code DateTimeFormatter} was a sixth of the reader's time. Any
     * other ISO-8601 form goes to {@link Instant#parse}.
     */
    static Instant instant(String text) {
        int length = text.length();
        int fraction = length - 21;
        if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
            || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z'
            || length > 20 && (text.charAt(19) != '.' || fraction < 1 || fraction > 9)) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = length == 20 ? 0 : digits(text, 20, length - 1);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
            || second > 59 || nanos < 0) {
            return Instant.parse(text);
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second,
                                     length == 20 ? 0 : (long) nanos * SCALE[fraction - 1]);
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
