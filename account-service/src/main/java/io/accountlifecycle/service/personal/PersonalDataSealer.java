package io.accountlifecycle.service.personal;

import com.google.crypto.tink.Aead;
import io.accountlifecycle.api.PersonalText;
import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.api.SealedValueOpener;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Seals personal fields at the intake, under the account's own data key, and opens them for readers while the key
 * exists. The key id doubles as AEAD associated data, so a ciphertext cannot be replayed under another account.
 */
public class PersonalDataSealer implements SealedValueOpener {

    private final DataKeyStore keys;

    public PersonalDataSealer(DataKeyStore keys) {
        this.keys = keys;
    }

    public static String keyIdOf(UUID accountId) {
        return accountId.toString();
    }

    /** Seals {@code plaintext} for {@code accountId}; null stays null (an absent optional field). */
    public PersonalText seal(UUID accountId, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        String keyId = keyIdOf(accountId);
        Aead aead = keys.getOrCreate(keyId);
        try {
            byte[] ciphertext = aead.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), ad(keyId));
            return new PersonalText(plaintext, new SealedValue(keyId, Base64.getEncoder().encodeToString(ciphertext)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot seal a personal field of " + accountId, e);
        }
    }

    @Override
    public Optional<String> open(SealedValue value) {
        if (value == null) {
            return Optional.empty();
        }
        return keys.find(value.keyId()).map(aead -> {
            try {
                byte[] plaintext = aead.decrypt(Base64.getDecoder().decode(value.ciphertext()), ad(value.keyId()));
                return new String(plaintext, StandardCharsets.UTF_8);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("A sealed value of key " + value.keyId() + " does not open", e);
            }
        });
    }

    private static byte[] ad(String keyId) {
        return keyId.getBytes(StandardCharsets.UTF_8);
    }
}
