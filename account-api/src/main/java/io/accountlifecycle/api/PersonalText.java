package io.accountlifecycle.api;

import java.util.Objects;

/**
 * A personal field on its way into the aggregate: the plaintext, for validation only, and the value sealed by the
 * intake, which is all the aggregate ever stores. Commands are never persisted, so the plaintext dies with them.
 *
 * @param value  the plaintext as the caller sent it
 * @param sealed the same value sealed under the account's data key
 */
public record PersonalText(String value, SealedValue sealed) {

    public PersonalText {
        Objects.requireNonNull(sealed, "sealed");
    }

    @Override
    public String toString() {
        return "PersonalText[redacted, keyId=" + sealed.keyId() + "]";
    }
}
