package io.accountlifecycle.projections.audit;

import io.accountlifecycle.api.Limits;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AuditCsvTest {

    @Test
    void theHeaderNamesTheFieldsOfAnEntry() {
        assertThat(AuditCsv.HEADER).isEqualTo("\"eventId\",\"occurredAt\",\"action\",\"actor\",\"accountId\","
                                              + "\"batchId\",\"reason\",\"correlationId\",\"details\"\r\n");
        assertThat(AuditCsv.HEADER.length()).isLessThanOrEqualTo(AuditCsv.MAX_HEADER_LENGTH);
    }

    @Test
    void anEntryIsOneRecordWithItsFormulasMadeInert() {
        UUID event = UUID.fromString("9b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3");
        UUID account = UUID.fromString("3f1c2a9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b");
        AuditEntryView entry = new AuditEntryView(event.toString(), Instant.parse("2026-12-09T10:15:30.123456Z"),
                                                  "DELETION_REQUESTED", "=cmd|'/c calc'!A1", account, null,
                                                  "-1, \"urgent\"", "@corr", null);
        assertThat(AuditCsv.record(entry)).isEqualTo(
                "\"9b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3\",\"2026-12-09T10:15:30.123456Z\",\"DELETION_REQUESTED\","
                + "\"'=cmd|'/c calc'!A1\",\"3f1c2a9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b\",,\"'-1, \"\"urgent\"\"\","
                + "\"'@corr\",\r\n");
    }

    @Test
    void theLongestRecordFitsTheStatedBound() {
        String quotes = "\"";
        AuditEntryView longest = new AuditEntryView(UUID.randomUUID().toString(),
                                                    Instant.parse("+1000000000-12-31T23:59:59.999999999Z"),
                                                    "=" + quotes.repeat(Limits.MAX_NAME_LENGTH - 1),
                                                    "=" + quotes.repeat(Limits.MAX_ACTOR_LENGTH - 1),
                                                    UUID.randomUUID(), UUID.randomUUID(),
                                                    "=" + quotes.repeat(Limits.MAX_REASON_LENGTH - 1),
                                                    "=" + quotes.repeat(Limits.MAX_CORRELATION_ID_LENGTH - 1),
                                                    "=" + quotes.repeat(Limits.MAX_GENERATED_TEXT_LENGTH - 1));
        assertThat(AuditCsv.record(longest).length()).isLessThanOrEqualTo(AuditCsv.MAX_RECORD_LENGTH);
    }
}
