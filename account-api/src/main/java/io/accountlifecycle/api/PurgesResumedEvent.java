package io.accountlifecycle.api;

/** Purges run again; every deferred purge saga reacts and purges. */
public record PurgesResumedEvent(String purgeControlId, String reason, String resumedBy) {
}
