package io.accountlifecycle.service.personal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordAuthenticationTest {

    private static final String TOPIC = "account.events";
    private static final byte[] KEY = bytes("3f1c1a3e-0000-4000-8000-000000000001");
    private static final byte[] VALUE = bytes("{\"eventId\":\"e1\",\"payload\":{}}");

    private static KeysetHandle keyset;
    private static RecordAuthentication authentication;

    @BeforeAll
    static void masterKey() throws GeneralSecurityException {
        AeadConfig.register();
        keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        authentication = RecordAuthentication.of(keyset);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Headers headers(String... namesAndValues) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1] == null ? null : bytes(namesAndValues[i + 1]));
        }
        return headers;
    }

    private static Headers signed(RecordAuthentication by, String topic, byte[] key, byte[] value, Headers headers) {
        by.sign(topic, key, value, headers);
        return headers;
    }

    private static String tagOf(Headers headers) {
        return new String(headers.lastHeader(RecordAuthentication.HEADER).value(), StandardCharsets.US_ASCII);
    }

    @Test
    void aRecordAsSignedVerifies() {
        Headers headers = signed(authentication, TOPIC, KEY, VALUE, headers("trace", "abc"));
        assertThat(authentication.verify(TOPIC, KEY, VALUE, headers).authentic()).isTrue();
        assertThat(tagOf(headers)).matches("v1\\.\\d+\\.[A-Za-z0-9_-]{43}")
                                  .startsWith("v1." + Integer.toUnsignedString(keyset.getPrimary().getId()) + ".");
    }

    @Test
    void aChangedTopicKeyValueOrHeaderDoesNotVerify() {
        Headers headers = signed(authentication, TOPIC, KEY, VALUE, headers("trace", "abc"));
        assertThat(authentication.verify("account.keys", KEY, VALUE, headers).reason()).contains("does not verify");
        assertThat(authentication.verify(TOPIC, bytes("another-account"), VALUE, headers).authentic()).isFalse();
        assertThat(authentication.verify(TOPIC, KEY, bytes("{\"eventId\":\"e2\",\"payload\":{}}"), headers)
                                 .authentic()).isFalse();
        Headers changedHeader = headers("trace", "abd");
        changedHeader.add(headers.lastHeader(RecordAuthentication.HEADER));
        assertThat(authentication.verify(TOPIC, KEY, VALUE, changedHeader).authentic()).isFalse();
        Headers addedHeader = headers("trace", "abc", "extra", "1");
        addedHeader.add(headers.lastHeader(RecordAuthentication.HEADER));
        assertThat(authentication.verify(TOPIC, KEY, VALUE, addedHeader).authentic()).isFalse();
    }

    @Test
    void aTombstoneIsNotAnEmptyValueNorANullKeyAnEmptyOne() {
        Headers tombstone = signed(authentication, "account.keys", KEY, null, new RecordHeaders());
        assertThat(authentication.verify("account.keys", KEY, null, tombstone).authentic()).isTrue();
        assertThat(authentication.verify("account.keys", KEY, new byte[0], tombstone).authentic()).isFalse();
        Headers nullKey = signed(authentication, TOPIC, null, VALUE, new RecordHeaders());
        assertThat(authentication.verify(TOPIC, null, VALUE, nullKey).authentic()).isTrue();
        assertThat(authentication.verify(TOPIC, new byte[0], VALUE, nullKey).authentic()).isFalse();
    }

    @Test
    void fieldsCannotBeShiftedIntoEachOther() {
        Headers headers = signed(authentication, TOPIC, bytes("ab"), bytes("c"), new RecordHeaders());
        assertThat(authentication.verify(TOPIC, bytes("a"), bytes("bc"), headers).authentic()).isFalse();
    }

    @Test
    void untaggedMalformedAndDoubleTagsAreRefused() {
        assertThat(authentication.verify(TOPIC, KEY, VALUE, new RecordHeaders()).reason()).startsWith("untagged");
        assertThat(authentication.verify(TOPIC, KEY, VALUE, headers(RecordAuthentication.HEADER, "v1.x.abc"))
                                 .reason()).startsWith("malformed");
        assertThat(authentication.verify(TOPIC, KEY, VALUE, headers(RecordAuthentication.HEADER, null)).reason())
                .startsWith("malformed");
        Headers twice = signed(authentication, TOPIC, KEY, VALUE, new RecordHeaders());
        twice.add(twice.lastHeader(RecordAuthentication.HEADER));
        assertThat(authentication.verify(TOPIC, KEY, VALUE, twice).reason()).startsWith("more than one");
    }

    @Test
    void aTagByAnotherMasterKeyIsRefusedByItsKeyId() throws GeneralSecurityException {
        RecordAuthentication stranger = RecordAuthentication.of(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
        Headers headers = signed(stranger, TOPIC, KEY, VALUE, new RecordHeaders());
        assertThat(authentication.verify(TOPIC, KEY, VALUE, headers).reason())
                .contains("tagged by master key " + stranger.primaryKeyId());
    }

    @Test
    void aForgedTagUnderTheRightKeyIdDoesNotVerify() {
        Headers headers = headers(RecordAuthentication.HEADER, "v1." + authentication.primaryKeyId() + "."
                                                               + "A".repeat(43));
        assertThat(authentication.verify(TOPIC, KEY, VALUE, headers).reason()).contains("does not verify");
    }

    @Test
    void theMacKeyIsHkdfOfTheRawMasterKey() throws GeneralSecurityException {
        Map<Long, byte[]> keys = RecordAuthentication.macKeys(keyset);
        assertThat(keys).containsOnlyKeys(authentication.primaryKeyId());
        assertThat(keys.get(authentication.primaryKeyId())).hasSize(32)
                .isEqualTo(RecordAuthentication.macKey(
                        ((com.google.crypto.tink.aead.AesGcmKey) keyset.getPrimary().getKey()).getKeyBytes()
                                .toByteArray(com.google.crypto.tink.InsecureSecretKeyAccess.get())));
    }

    @Test
    void theRetiredKeysRecordRoundTripsUnderTheMasterKeyOnly() throws GeneralSecurityException {
        Aead master = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        Map<Long, byte[]> retired = Map.of(7L, new byte[32], 4_000_000_000L, bytes("0123456789abcdef0123456789abcdef"));
        String value = RecordAuthentication.retiredKeysRecordValue(master, retired);
        assertThat(value).startsWith("{\"wrapped\":\"").doesNotContain("masterKeyId");
        Map<Long, byte[]> read = RecordAuthentication.retiredKeys(master, bytes(value));
        assertThat(read).containsOnlyKeys(7L, 4_000_000_000L);
        assertThat(read.get(4_000_000_000L)).isEqualTo(retired.get(4_000_000_000L));
        Aead other = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                                 .getPrimitive(RegistryConfiguration.get(), Aead.class);
        assertThatThrownBy(() -> RecordAuthentication.retiredKeys(other, bytes(value)))
                .isInstanceOf(GeneralSecurityException.class);
    }

    /** After a rotation: the old master key is gone, its records verify through the retired-keys record. */
    @Test
    void aRecordTaggedByARetiredMasterKeyVerifiesThroughTheRetiredKeysRecord() throws GeneralSecurityException {
        KeysetHandle retiredKeyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        RecordAuthentication beforeRotation = RecordAuthentication.of(retiredKeyset);
        Headers old = signed(beforeRotation, TOPIC, KEY, VALUE, new RecordHeaders());

        KeysetHandle current = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        RecordAuthentication now = RecordAuthentication.of(current);
        assertThat(now.verify(TOPIC, KEY, VALUE, old).authentic()).isFalse();
        String record = RecordAuthentication.retiredKeysRecordValue(
                current.getPrimitive(RegistryConfiguration.get(), Aead.class),
                RecordAuthentication.macKeys(retiredKeyset));
        RecordAuthentication withRetired = now.withRetiredKeysRecord(bytes(record));
        assertThat(withRetired.verify(TOPIC, KEY, VALUE, old).authentic()).isTrue();
        assertThat(withRetired.primaryKeyId()).isEqualTo(now.primaryKeyId());
        Headers fresh = signed(withRetired, TOPIC, KEY, VALUE, new RecordHeaders());
        assertThat(tagOf(fresh)).startsWith("v1." + now.primaryKeyId() + ".");
    }

    @Test
    void aKeysetOfSeveralKeysVerifiesEachAndTagsWithThePrimary() throws GeneralSecurityException {
        KeysetHandle first = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        KeysetHandle rotated = KeysetHandle.newBuilder(first)
                                           .addEntry(KeysetHandle.generateEntryFromParameters(
                                                   PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
                                           .build();
        Headers old = signed(RecordAuthentication.of(first), TOPIC, KEY, VALUE, new RecordHeaders());
        RecordAuthentication both = RecordAuthentication.of(rotated);
        assertThat(both.knownKeyIds()).hasSize(2);
        assertThat(both.verify(TOPIC, KEY, VALUE, old).authentic()).isTrue();
        assertThat(both.primaryKeyId()).isEqualTo(Integer.toUnsignedLong(rotated.getPrimary().getId()));
    }
}
