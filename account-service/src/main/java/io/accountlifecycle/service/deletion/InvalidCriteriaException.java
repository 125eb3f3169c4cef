package io.accountlifecycle.service.deletion;

/** Criteria a preview cannot run on (none given, or too broad). */
public class InvalidCriteriaException extends RuntimeException {

    public InvalidCriteriaException(String message) {
        super(message);
    }
}
