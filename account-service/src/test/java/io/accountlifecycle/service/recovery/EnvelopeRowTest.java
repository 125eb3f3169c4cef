package io.accountlifecycle.service.recovery;

import io.accountlifecycle.service.eventstore.EventTable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeRowTest {

    private static final String PAYLOAD = "{\"accountId\":\"a1\",\"email\":{\"keyId\":\"a1\",\"ciphertext\":\"AQ==\"},"
                                          + "\"monthly\":10.50,\"tags\":[1,{\"x\":null}]}";
    private static final String METADATA = "{\"actor\":\"ops\",\"correlationId\":\"c1\"}";

    private static byte[] envelope(String metadata, String occurredAt) {
        return ("{\"eventId\":\"e1\",\"aggregateType\":\"Account\",\"aggregateId\":\"a1\",\"accountId\":\"a1\","
                + "\"sequenceNumber\":3,\"globalIndex\":42,\"type\":\"AccountOpened\","
                + "\"payloadType\":\"io.accountlifecycle.api.AccountOpenedEvent\",\"payloadRevision\":null,"
                + "\"occurredAt\":\"" + occurredAt + "\",\"payload\":" + PAYLOAD + ",\"metadata\":" + metadata
                + ",\"addedLater\":{\"a\":[1,2]}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyColumnComesFromTheEnvelopeAndPayloadAndMetadataAreItsOwnBytes() throws Exception {
        EventTable.Row row = EnvelopeRow.parse(envelope(METADATA, "2026-12-05T05:22:11.123456Z"));
        assertThat(row.globalIndex()).isEqualTo(42);
        assertThat(row.eventId()).isEqualTo("e1");
        assertThat(row.aggregateId()).isEqualTo("a1");
        assertThat(row.sequence()).isEqualTo(3);
        assertThat(row.aggregateType()).isEqualTo("Account");
        assertThat(row.payloadType()).isEqualTo("io.accountlifecycle.api.AccountOpenedEvent");
        assertThat(row.payloadRevision()).isNull();
        assertThat(row.timestamp()).isEqualTo(Instant.parse("2026-12-05T05:22:11.123456Z"));
        assertThat(new String(row.payload(), StandardCharsets.UTF_8)).isEqualTo(PAYLOAD);
        assertThat(new String(row.metaData(), StandardCharsets.UTF_8)).isEqualTo(METADATA);
        assertThat(EnvelopeRow.parse(envelope("null", "2026-12-05T05:22:11Z")).metaData()).isNull();
    }

    @Test
    void instantsAsThePublisherWritesThemAndAnyOtherIsoForm() {
        for (String text : List.of("2026-12-05T05:22:11Z", "2026-12-05T05:22:11.1Z", "2026-12-05T05:22:11.120Z",
                                   "2026-12-05T05:22:11.123456Z", "2026-12-05T05:22:11.123456789Z",
                                   "1999-01-01T00:00:00.000001Z", "2024-02-29T23:59:59.999999Z")) {
            assertThat(EnvelopeRow.instant(text)).as(text).isEqualTo(Instant.parse(text));
        }
        assertThat(EnvelopeRow.instant("2026-12-05T06:22:11.5+01:00"))
                .isEqualTo(Instant.parse("2026-12-05T05:22:11.5Z"));
        assertThatThrownBy(() -> EnvelopeRow.instant("2026-02-30T00:00:00Z"))
                .isInstanceOf(java.time.DateTimeException.class);
    }

    @Test
    void whatIsNotAnEnvelopeIsUnreadableWithTheReason() {
        assertThatThrownBy(() -> EnvelopeRow.parse("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EnvelopeRow.UnreadableException.class).hasMessageContaining("JSON");
        assertThatThrownBy(() -> EnvelopeRow.parse("{\"eventId\":\"e1\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("global index");
        assertThatThrownBy(() -> EnvelopeRow.parse(null)).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> EnvelopeRow.parse(envelope(METADATA, "yesterday")))
                .hasMessageContaining("occurredAt");
    }

    @Test
    void aSkipNamesRecordsAsTheRefusalPrintsThem() {
        assertThat(RecordLocation.parseAll(List.of("account.events:0:12,account.keys:3:4", "account.events:1:0")))
                .containsExactly(new RecordLocation("account.events", 0, 12), new RecordLocation("account.keys", 3, 4),
                                 new RecordLocation("account.events", 1, 0));
        assertThat(RecordLocation.skipArgument(List.of(new RecordLocation("account.events", 0, 12),
                                                       new RecordLocation("account.keys", 3, 4))))
                .isEqualTo("--skip account.events:0:12,account.keys:3:4");
        assertThatThrownBy(() -> RecordLocation.parse("account.events:0")).hasMessageContaining("topic:partition:offset");
    }
}
