package io.accountlifecycle.service.recovery;

/** A record a restore does not trust, and why: it stops the merge until the operator skips it by name. */
record Refusal(RecordLocation location, String reason) implements Comparable<Refusal> {

    @Override
    public int compareTo(Refusal other) {
        return location.compareTo(other.location);
    }

    @Override
    public String toString() {
        return location + "  " + reason;
    }
}
