package io.accountlifecycle.service.command;

import io.accountlifecycle.api.MetaDataKeys;
import org.axonframework.messaging.MetaData;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Who issued a command, in which conversation, and for which deletion batch if any: what becomes the metadata of
 * the command and of every event it causes ({@link MetaDataKeys}).
 *
 * @param actor         the token's subject (over HTTP and Kafka alike; a Kafka command's {@code issuedBy} only for
 *                      a record without a token while {@code account.kafka.intake.require-token} is false), or
 *                      {@code system:<part>} for the service acting on its own
 * @param correlationId the conversation's id the caller gave (an {@code X-Correlation-Id} header, a Kafka command id);
 *                      null: the command's own id starts the conversation
 * @param batchId       the deletion batch the command belongs to, or null
 */
public record Origin(String actor, String correlationId, UUID batchId) {

    public Origin {
        Objects.requireNonNull(actor, "every command has an actor");
    }

    public static Origin of(String actor, String correlationId) {
        return new Origin(actor, correlationId, null);
    }

    public static Origin of(String actor) {
        return new Origin(actor, null, null);
    }

    /** The service itself, acting without a caller (the deletion breaker tripping, a restore finishing a saga step). */
    public static Origin system(String part) {
        return new Origin("system:" + part, null, null);
    }

    public Origin inBatch(UUID batch) {
        return new Origin(actor, correlationId, batch);
    }

    MetaData metaData() {
        Map<String, Object> values = new HashMap<>(4);
        values.put(MetaDataKeys.ACTOR, actor);
        if (correlationId != null) {
            values.put(MetaDataKeys.CORRELATION_ID, correlationId);
        }
        if (batchId != null) {
            values.put(MetaDataKeys.BATCH_ID, batchId.toString());
        }
        return MetaData.from(values);
    }
}
