package io.accountlifecycle.service.deletion;

/** A preview token that cannot be executed: unknown, used, expired, or its set changed; nothing happened. */
public class StalePreviewException extends RuntimeException {

    public StalePreviewException(String message) {
        super(message);
    }
}
