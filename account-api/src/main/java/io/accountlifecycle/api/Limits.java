package io.accountlifecycle.api;

/**
 * The lengths and sizes the service enforces on what it is sent, and so the most it ever answers with; the API
 * descriptions (OpenAPI, AsyncAPI) state the same figures.
 */
public final class Limits {

    /** A token's subject ({@code sub}), the actor of every change; a token with a longer one is refused. */
    public static final int MAX_ACTOR_LENGTH = 255;
    /** A reason given for a deletion, a cancel, a decision, a pause. */
    public static final int MAX_REASON_LENGTH = 500;
    /** The caller's own id tying a change to its request ({@code X-Correlation-Id}). */
    public static final int MAX_CORRELATION_ID_LENGTH = 128;
    public static final int MAX_EMAIL_LENGTH = 254;
    public static final int MAX_DISPLAY_NAME_LENGTH = 200;
    /** The most items a page holds ({@code size}). */
    public static final int MAX_PAGE_SIZE = 1000;
    /** A text the service writes itself: a refusal's details, why an account was left out, a failure's cause. */
    public static final int MAX_GENERATED_TEXT_LENGTH = 2000;
    /** A name the service gives: an event type, a projection, an audit action. */
    public static final int MAX_NAME_LENGTH = 100;
    /** A Java class name of an event payload or an exception. */
    public static final int MAX_CLASS_NAME_LENGTH = 255;
    /** Legal holds one account may record at once; one more is refused. */
    public static final int MAX_LEGAL_HOLDS_PER_ACCOUNT = 100;
    /** Events an export holds; an account with a longer history is exported by {@code /events} pages instead. */
    public static final int MAX_EXPORT_EVENTS = 1_000_000;

    private Limits() {
    }
}
