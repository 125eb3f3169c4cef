package io.accountlifecycle.api;

import java.util.Optional;

/** Opens a sealed personal field while its data key exists; after a purge every value reads as absent. */
public interface SealedValueOpener {

    Optional<String> open(SealedValue value);
}
