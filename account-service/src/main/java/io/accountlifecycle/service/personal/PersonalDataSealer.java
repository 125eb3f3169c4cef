package io.accountlifecycle.service.personal;

import com.google.crypto.tink.Aead;
import io.accountlifecycle.api.PersonalText;
import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.api.SealedValueOpener;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
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

    /**
     * Seals every field of one command for {@code accountId} under one lookup of its key; a null stays null (an
     * absent optional field), and no key is created when every field is absent.
     */
    public List<PersonalText> seal(UUID accountId, String... plaintexts) {
        return seal(accountId, false, plaintexts);
    }

    /**
     * As {@link #seal(UUID, String...)}, for an account being opened: its new key may be held back and stored with
     * the others of its group ({@link DataKeyStore#getOrCreateForNewAccount}).
     */
    public List<PersonalText> sealForNewAccount(UUID accountId, String... plaintexts) {
        return seal(accountId, true, plaintexts);
    }

    private List<PersonalText> seal(UUID accountId, boolean newAccount, String... plaintexts) {
        List<PersonalText> sealed = new ArrayList<>(plaintexts.length);
        String keyId = keyIdOf(accountId);
        Aead aead = Arrays.stream(plaintexts).allMatch(Objects::isNull) ? null
                    : newAccount ? keys.getOrCreateForNewAccount(keyId) : keys.getOrCreate(keyId);
        for (String plaintext : plaintexts) {
            sealed.add(plaintext == null ? null : seal(aead, keyId, plaintext));
        }
        return sealed;
    }

    private static PersonalText seal(Aead aead, String keyId, String plaintext) {
        try {
            byte[] ciphertext = aead.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), ad(keyId));
            return new PersonalText(plaintext, new SealedValue(keyId, Base64.getEncoder().encodeToString(ciphertext)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot seal a personal field under key " + keyId, e);
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
