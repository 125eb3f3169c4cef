package io.accountlifecycle.api;

/**
 * What a deletion request is: the service's ordinary clean-up, or the data subject's own request to be erased, which
 * the law gives a deadline (GDPR Art. 12(3), 17).
 */
public enum DeletionKind {
    /** Today's deletion: quarantined for the hold, purged unless cancelled; a pause of purges defers it. */
    STANDARD,
    /** The person's own request: purged no later than its legal deadline, a pause notwithstanding (ADR 17). */
    ERASURE;

    /** Events stored before kinds existed carry none: they were standard requests. */
    public static DeletionKind orStandard(DeletionKind kind) {
        return kind == null ? STANDARD : kind;
    }
}
