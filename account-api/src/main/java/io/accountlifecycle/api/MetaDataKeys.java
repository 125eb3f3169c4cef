package io.accountlifecycle.api;

/** The metadata every stored event carries, by these names (also on {@code account.events}). */
public final class MetaDataKeys {

    /** Who caused the event: the subject of the caller's token (HTTP or Kafka), or {@code system:<part>}. */
    public static final String ACTOR = "actor";
    public static final String CORRELATION_ID = "correlationId";
    public static final String CAUSATION_ID = "causationId";
    /** The deletion batch an event belongs to, where there is one. */
    public static final String BATCH_ID = "batchId";

    private MetaDataKeys() {
    }
}
