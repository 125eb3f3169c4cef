package io.accountlifecycle.service.kafka.intake;

/**
 * A record whose sender is not known (no valid bearer token) or may not send it (a scope missing). Nothing about the
 * record is malformed: it is answered with a {@code REJECTED} result, never dead-lettered, and its outcome is not
 * recorded, so the same command sent again with a valid token is processed.
 */
class RefusedCommandException extends RuntimeException {

    RefusedCommandException(String reason) {
        super(reason);
    }
}
