package io.accountlifecycle.api;

/** Purges are paused service-wide; read by the purge saga when a hold ends. */
public record PurgesPausedEvent(String purgeControlId, String reason, String pausedBy) {

    /** The one purge control there is. */
    public static final String PURGE_CONTROL_ID = "purges";
}
