package io.accountlifecycle.projections.support;

/**
 * Takes every segment of a streaming processor for this instance for a while, whatever other instances run it: a
 * replay resets every segment's token, which it can only do while no other instance holds one.
 */
public interface ExclusiveSegments {

    /** A single instance: nothing else can hold a segment. */
    ExclusiveSegments SINGLE_INSTANCE = new ExclusiveSegments() {
        @Override
        public void acquire(String processor) {
        }

        @Override
        public void release(String processor) {
        }
    };

    /**
     * Asks the other instances to let go of {@code processor}'s segments and waits until none holds one; they stay
     * away until {@link #release}. Fails when they do not let go in time.
     */
    void acquire(String processor);

    /** The other instances may claim the processor's segments again. */
    void release(String processor);
}
