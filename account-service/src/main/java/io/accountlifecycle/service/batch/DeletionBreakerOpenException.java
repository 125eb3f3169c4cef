package io.accountlifecycle.service.batch;

import java.time.Instant;

/** Deletions are refused: the breaker is open until an admin resets it. HTTP 503; a REJECTED result on Kafka. */
public class DeletionBreakerOpenException extends RuntimeException {

    public DeletionBreakerOpenException(Instant trippedAt, long quarantines, int limit) {
        super("Deletion requests are refused: the deletion breaker tripped at " + trippedAt + " (" + quarantines
              + " accounts quarantined within a minute, limit " + limit + "); an admin must reset it "
              + "(POST /admin/deletion-breaker/reset)");
    }
}
