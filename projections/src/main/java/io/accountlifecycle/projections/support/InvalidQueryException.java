package io.accountlifecycle.projections.support;

/** A query parameter the read models cannot answer; the API turns it into a 400 naming the parameter. */
public class InvalidQueryException extends RuntimeException {

    private final String parameter;

    public InvalidQueryException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
