package io.accountlifecycle.api;

import java.util.List;

/**
 * Retired master keys were removed from the keyset for good: no database backup from before their rotation can open
 * a data key any more, so accounts purged since are unreadable in every copy.
 *
 * @param actor           who destroyed them
 * @param destroyedKeyIds the Tink key ids destroyed
 */
public record RetiredMasterKeysDestroyedEvent(String actor, List<Long> destroyedKeyIds) {
}
