package io.accountlifecycle.service.deletion;

import java.time.Instant;

/** Deletions are refused: the breaker is open until an admin resets it. HTTP 503; a REJECTED result on Kafka. */
public class DeletionBreakerOpenException extends RuntimeException {

    public DeletionBreakerOpenException(Instant trippedAt, long requests, int limit) {
        super("Deletion requests are refused: the deletion breaker tripped at " + trippedAt + " (" + requests
              + " deletion requests within a minute, limit " + limit + "); an admin must reset it "
              + "(POST /admin/deletion-breaker/reset)");
    }
}
