package io.accountlifecycle.api;

import java.util.List;

/**
 * The master key was rotated: a new key wraps every live account's data key from now on, and {@code account.keys}
 * carries every data key wrapped by it. The retired keys stay in the keyset until destroyed
 * ({@link RetiredMasterKeysDestroyedEvent}); until then a database backup from before the rotation can still open the
 * accounts purged since.
 *
 * @param actor          who rotated it (the operator's name, {@code rotate-master-key --actor})
 * @param newKeyId       the Tink key id of the new primary key
 * @param retiredKeyIds  the key ids it replaced, kept only to read what they wrapped
 * @param rewrappedKeys  how many data keys were wrapped again under the new key
 */
public record MasterKeyRotatedEvent(String actor, long newKeyId, List<Long> retiredKeyIds, long rewrappedKeys) {
}
