package io.accountlifecycle.api;

import java.util.Objects;

/**
 * A personal field encrypted under the data key {@code keyId}; events, read models and topics carry only this,
 * so destroying the key makes every copy unreadable at once.
 *
 * @param keyId      the data key that sealed it (one key per account)
 * @param ciphertext base64 of the AEAD ciphertext
 */
public record SealedValue(String keyId, String ciphertext) {

    public SealedValue {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(ciphertext, "ciphertext");
    }
}
