package io.accountlifecycle.service.certificate;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountOpenedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.AccountQuarantinedEvent;
import io.accountlifecycle.api.EventEnvelope;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.service.eventstore.EventEnvelopes;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.accountlifecycle.service.eventstore.EventTable;
import io.accountlifecycle.service.security.LocalTokens;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A purge certificate verifies, and fails to verify when any field is changed; its chain covers every event. */
class PurgeCertificateTest {

    private static final UUID ACCOUNT = UUID.fromString("3f1c2a9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b");
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private final ECKey key = CertificateKeys.newKey();
    private final JWKSet keys = new JWKSet(key.toPublicJWK());

    private static EventEnvelope envelope(long sequence, Class<?> type, Map<String, Object> payload, String at) {
        return new EventEnvelope(UUID.nameUUIDFromBytes((ACCOUNT + "/" + sequence).getBytes()).toString(), "Account",
                                 ACCOUNT.toString(), ACCOUNT.toString(), sequence, 100 + sequence * 7,
                                 type.getSimpleName().replace("Event", ""), type.getName(), null, at, payload,
                                 Map.of("actor", "ada", "correlationId", "c-" + sequence));
    }

    private static List<EventEnvelope> history(Map<String, Object> requestPayload) {
        return List.of(
                envelope(0, AccountOpenedEvent.class,
                         Map.of("accountId", ACCOUNT.toString(),
                                "email", Map.of("keyId", ACCOUNT.toString(), "ciphertext", "AZr2...=="),
                                "plan", "PREMIUM", "protectedAccount", false), "2026-12-01T09:00:00.123456Z"),
                envelope(1, AccountDeletionRequestedEvent.class, requestPayload, "2026-12-02T09:00:00.5Z"),
                envelope(2, AccountQuarantinedEvent.class,
                         Map.of("accountId", ACCOUNT.toString(), "purgeDueAt", "2026-12-03T09:00:00.5Z"),
                         "2026-12-02T09:00:01Z"),
                envelope(3, AccountPurgedEvent.class, Map.of("accountId", ACCOUNT.toString()),
                         "2026-12-03T09:00:02.000001Z"));
    }

    private static List<EventEnvelope> history() {
        return history(Map.of("accountId", ACCOUNT.toString(), "reason", "customer asked", "requestedBy", "ada"));
    }

    private String certificate() {
        return PurgeCertificates.sign(PurgeCertificateClaims.of(ACCOUNT, history(), "account-service", NOW), key);
    }

    @Test
    void aCertificateVerifiesWithThePublishedKeysAndStatesThePurge() throws Exception {
        String certificate = certificate();
        SignedJWT jws = SignedJWT.parse(certificate);
        assertThat(jws.getHeader().getType()).isEqualTo(new JOSEObjectType("purge-certificate+jws"));
        assertThat(jws.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jws.getHeader().getKeyID()).isEqualTo(key.getKeyID());

        PurgeCertificateClaims claims = CertificateVerifier.verify(certificate, keys);
        assertThat(claims.issuer()).isEqualTo("account-service");
        assertThat(claims.accountId()).isEqualTo(ACCOUNT);
        assertThat(claims.issuedAt()).isEqualTo(NOW);
        assertThat(claims.erasureRequestedAt()).isEqualTo(Instant.parse("2026-12-02T09:00:00.5Z"));
        assertThat(claims.requestKind()).isEqualTo("STANDARD");
        assertThat(claims.purgedAt()).isEqualTo(Instant.parse("2026-12-03T09:00:02.000001Z"));
        assertThat(claims.destroyedDataKeyId()).isEqualTo(ACCOUNT.toString());
        assertThat(claims.purgeEventId()).isEqualTo(history().get(3).eventId());
        assertThat(claims.eventCount()).isEqualTo(4);
        assertThat(claims.chainHead()).isEqualTo(EventChain.head(history())).hasSize(64);
        assertThat(jws.getJWTClaimsSet().getSubject()).isEqualTo(ACCOUNT.toString());
        CertificateVerifier.verifyChain(claims, history());
    }

    @Test
    void changingAnyClaimBreaksTheSignature() throws Exception {
        String[] parts = certificate().split("\\.");
        Map<String, Object> original = JSONObjectUtils.parse(Base64URL.from(parts[1]).decodeToString());
        assertThat(original.keySet()).containsExactlyInAnyOrder(
                "iss", "sub", "iat", "accountId", "erasureRequestedAt", "requestKind", "purgedAt",
                "destroyedDataKeyId", "purgeEventId", "eventCount", "chainAlgorithm", "chainHead");
        for (String claim : original.keySet()) {
            Map<String, Object> changed = new LinkedHashMap<>(original);
            changed.put(claim, changed(original.get(claim)));
            assertRefused(parts[0] + "." + encode(changed) + "." + parts[2], "signature does not verify");
            Map<String, Object> without = new LinkedHashMap<>(original);
            without.remove(claim);
            assertRefused(parts[0] + "." + encode(without) + "." + parts[2], "signature does not verify");
        }
        // The header is signed too: another kid, type or algorithm is refused before or by the signature.
        Map<String, Object> header = JSONObjectUtils.parse(Base64URL.from(parts[0]).decodeToString());
        Map<String, Object> otherKid = new LinkedHashMap<>(header);
        otherKid.put("kid", "another");
        assertRefused(encode(otherKid) + "." + parts[1] + "." + parts[2], "no EC P-256 key with kid another");
        Map<String, Object> extra = new LinkedHashMap<>(header);
        extra.put("x", 1);
        assertRefused(encode(extra) + "." + parts[1] + "." + parts[2], "signature does not verify");
    }

    private static Object changed(Object value) {
        if (value instanceof Number number) {
            return number.longValue() + 1;
        }
        String text = value.toString();
        // Keep it well-formed where the claim is parsed (an id, an instant): the signature must be what refuses.
        return text.endsWith("Z") ? text.replace("Z", "1Z") : text.replaceFirst(".$", text.endsWith("0") ? "1" : "0");
    }

    private static String encode(Map<String, Object> json) {
        return Base64URL.encode(JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private void assertRefused(String certificate, String reason) {
        assertThatThrownBy(() -> CertificateVerifier.verify(certificate, keys))
                .isInstanceOf(InvalidCertificateException.class).hasMessageContaining(reason);
    }

    @Test
    void anAccessTokenOrAnythingButAnEs256PurgeCertificateIsRefused(@TempDir Path dir) throws Exception {
        LocalTokens tokens = LocalTokens.loadOrCreate(dir.resolve("token-signing-key.json"), "account-service-local");
        String accessToken = tokens.mint(ACCOUNT.toString(), List.of("accounts:read"), java.time.Duration.ofHours(1));
        JWKSet withTokenKey = new JWKSet(List.of(key.toPublicJWK(), tokens.publicKey()));
        assertThatThrownBy(() -> CertificateVerifier.verify(accessToken, withTokenKey))
                .hasMessageContaining("not purge-certificate+jws");

        // The certificate's own claims, signed with the token-signing key under the certificate's type.
        PurgeCertificateClaims claims = PurgeCertificateClaims.of(ACCOUNT, history(), "account-service", NOW);
        RSAKey tokenKey = RSAKey.parse(Files.readString(dir.resolve("token-signing-key.json")));
        SignedJWT byTokenKey = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                                                     .type(CertificateVerifier.OBJECT_TYPE)
                                                     .keyID(tokenKey.getKeyID()).build(), claims.toJwt());
        byTokenKey.sign(new RSASSASigner(tokenKey));
        assertThatThrownBy(() -> CertificateVerifier.verify(byTokenKey.serialize(), withTokenKey))
                .hasMessageContaining("alg is RS256");

        // The certificate key, but typed as a JWT: what an access-token decoder would take.
        SignedJWT typedJwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                                                   .keyID(key.getKeyID()).build(), claims.toJwt());
        typedJwt.sign(new ECDSASigner(key));
        assertThatThrownBy(() -> CertificateVerifier.verify(typedJwt.serialize(), keys))
                .hasMessageContaining("typ is JWT");

        // Another EC key under the published kid.
        ECKey impostor = new ECKey.Builder(CertificateKeys.newKey()).keyID(key.getKeyID()).build();
        assertThatThrownBy(() -> CertificateVerifier.verify(PurgeCertificates.sign(claims, impostor), keys))
                .hasMessageContaining("signature does not verify");

        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
        assertThatThrownBy(() -> CertificateVerifier.verify(certificate(), new JWKSet(rsa.toPublicJWK())))
                .hasMessageContaining("no EC P-256 key with kid " + key.getKeyID());
    }

    @Test
    void theChainChangesWhenAnyEventChangesOrGoesMissingOrMoves() {
        List<EventEnvelope> events = history();
        String head = EventChain.head(events);
        assertThat(EventChain.head(events)).as("deterministic").isEqualTo(head);
        List<UnaryOperator<EventEnvelope>> changes = List.of(
                e -> withPayload(e, "accountId", UUID.randomUUID().toString()),
                e -> withPayload(e, "extra", null),
                e -> new EventEnvelope(e.eventId(), e.aggregateType(), e.aggregateId(), e.accountId(),
                                       e.sequenceNumber(), e.globalIndex() + 1, e.type(), e.payloadType(),
                                       e.payloadRevision(), e.occurredAt(), e.payload(), e.metadata()),
                e -> new EventEnvelope(e.eventId(), e.aggregateType(), e.aggregateId(), e.accountId(),
                                       e.sequenceNumber(), e.globalIndex(), e.type(), e.payloadType(),
                                       e.payloadRevision(), e.occurredAt().replace("Z", "1Z"), e.payload(),
                                       e.metadata()),
                e -> new EventEnvelope(e.eventId(), e.aggregateType(), e.aggregateId(), e.accountId(),
                                       e.sequenceNumber(), e.globalIndex(), e.type(), e.payloadType(), "2",
                                       e.occurredAt(), e.payload(), e.metadata()),
                e -> new EventEnvelope(e.eventId(), e.aggregateType(), e.aggregateId(), e.accountId(),
                                       e.sequenceNumber(), e.globalIndex(), e.type(), e.payloadType(),
                                       e.payloadRevision(), e.occurredAt(), e.payload(), Map.of("actor", "eve")));
        for (int i = 0; i < events.size(); i++) {
            for (UnaryOperator<EventEnvelope> change : changes) {
                List<EventEnvelope> changed = new ArrayList<>(events);
                changed.set(i, change.apply(events.get(i)));
                assertThat(EventChain.head(changed)).as("event %d changed", i).isNotEqualTo(head);
            }
            List<EventEnvelope> missing = new ArrayList<>(events);
            missing.remove(i);
            assertThat(EventChain.head(missing)).as("event %d left out", i).isNotEqualTo(head);
        }
        List<EventEnvelope> swapped = new ArrayList<>(events);
        Collections.swap(swapped, 1, 2);
        assertThat(EventChain.head(swapped)).isNotEqualTo(head);
    }

    private static EventEnvelope withPayload(EventEnvelope e, String field, Object value) {
        Map<String, Object> payload = new HashMap<>(e.payload());
        payload.put(field, value);
        return new EventEnvelope(e.eventId(), e.aggregateType(), e.aggregateId(), e.accountId(), e.sequenceNumber(),
                                 e.globalIndex(), e.type(), e.payloadType(), e.payloadRevision(), e.occurredAt(),
                                 payload, e.metadata());
    }

    @Test
    void theEventsOfTheTopicVerifyTheChainInAnyOrderAndOnceEachButNotWhenOneDiffers() throws Exception {
        PurgeCertificateClaims claims = CertificateVerifier.verify(certificate(), keys);
        List<EventEnvelope> topic = new ArrayList<>(history());
        topic.add(history().get(1)); // published twice
        topic.add(new EventEnvelope(UUID.randomUUID().toString(), "Account", "other", "other", 0, 1, // another's
                                    "AccountOpened", AccountOpenedEvent.class.getName(), null,
                                    "2026-12-01T09:00:00Z", Map.of(), Map.of()));
        Collections.reverse(topic);
        CertificateVerifier.verifyChain(claims, topic);

        List<EventEnvelope> tampered = new ArrayList<>(history());
        tampered.set(2, withPayload(tampered.get(2), "purgeDueAt", "2026-12-31T00:00:00Z"));
        assertThatThrownBy(() -> CertificateVerifier.verifyChain(claims, tampered))
                .hasMessageContaining("an event differs");
        assertThatThrownBy(() -> CertificateVerifier.verifyChain(claims, history().subList(1, 4)))
                .hasMessageContaining("event 0 of the account is missing");
        assertThatThrownBy(() -> CertificateVerifier.verifyChain(claims, history().subList(0, 3)))
                .hasMessageContaining("no AccountPurged");
    }

    @Test
    void theRequestsKindAndReceptionInstantAreTakenFromItsPayloadWhenItHasThem() {
        Map<String, Object> erasure = new HashMap<>(Map.of("accountId", ACCOUNT.toString(), "reason", "GDPR art. 17",
                                                           "requestedBy", "ada", "kind", "ERASURE",
                                                           "receivedAt", "2026-11-30T08:00:00Z"));
        PurgeCertificateClaims claims = PurgeCertificateClaims.of(ACCOUNT, history(erasure), "account-service", NOW);
        assertThat(claims.requestKind()).isEqualTo("ERASURE");
        assertThat(claims.erasureRequestedAt()).isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
        erasure.put("receivedAt", null);
        erasure.put("kind", null);
        PurgeCertificateClaims defaults = PurgeCertificateClaims.of(ACCOUNT, history(erasure), "account-service",
                                                                    NOW);
        assertThat(defaults.requestKind()).isEqualTo("STANDARD");
        assertThat(defaults.erasureRequestedAt()).isEqualTo(Instant.parse("2026-12-02T09:00:00.5Z"));
    }

    @Test
    void noCertificateForAnAccountThatIsNotPurged() {
        assertThatThrownBy(() -> PurgeCertificateClaims.of(ACCOUNT, history().subList(0, 3), "account-service", NOW))
                .isInstanceOf(PurgeCertificateClaims.NotPurgedException.class);
    }

    /** The publisher's envelope of a message and the certificate's envelope of its stored row hash alike. */
    @Test
    void anEnvelopeFromTheStoredRowIsTheOneThePublisherSends() {
        Serializer serializer = JacksonSerializer.builder().objectMapper(EventStoreConfiguration.axonObjectMapper())
                                                 .build();
        Instant stored = Instant.parse("2026-12-01T09:00:00.123456Z");
        List<Object> payloads = List.of(
                new AccountOpenedEvent(ACCOUNT, new SealedValue(ACCOUNT.toString(), "AZr2"), null, Plan.PREMIUM,
                                       false),
                new AccountQuarantinedEvent(ACCOUNT, Instant.parse("2026-12-03T09:00:00.5Z")),
                new AccountPurgedEvent(ACCOUNT));
        for (Object payload : payloads) {
            var message = new GenericDomainEventMessage<>("Account", ACCOUNT.toString(), 3, payload,
                                                          MetaData.with("actor", "ada").and("correlationId", "c"));
            EventEnvelope published = EventEnvelopes.of(message, new EventTable.StoredPosition(42, stored));
            EventTable.Row row = new EventTable.Row(42, message.getIdentifier(), ACCOUNT.toString(), 3, "Account",
                                                    stored, payload.getClass().getName(), null,
                                                    serializer.serialize(payload, byte[].class).getData(),
                                                    serializer.serialize(message.getMetaData(), byte[].class)
                                                              .getData());
            assertThat(new String(EventChain.canonical(EventEnvelopes.of(row)), StandardCharsets.UTF_8))
                    .isEqualTo(new String(EventChain.canonical(published), StandardCharsets.UTF_8));
        }
    }

    @Test
    void retiredKeysArePublishedWithoutTheirPrivatePartsAndStillVerify(@TempDir Path dir) throws Exception {
        ECKey retired = CertificateKeys.newKey();
        Files.createDirectories(dir.resolve("purge-certificate-retired"));
        Files.writeString(dir.resolve("purge-certificate-retired/2026-11.json"), retired.toJSONString());
        PurgeCertificateSettings settings = new PurgeCertificateSettings(dir.resolve("purge-certificate-key.json"),
                                                                         null, false, null);
        assertThatThrownBy(() -> CertificateKeys.load(settings, false))
                .hasMessageContaining("account.purge-certificate.key-file");
        CertificateKeys loaded = CertificateKeys.load(settings, true);
        assertThat(CertificateKeys.load(settings, false).signingKey()).as("created once")
                                                                      .isEqualTo(loaded.signingKey());
        assertThat(loaded.publicKeys().getKeys()).hasSize(2).noneMatch(k -> k.isPrivate());
        assertThat(loaded.publicKeys().getKeys()).extracting(k -> k.getKeyID())
                                                 .containsExactly(loaded.signingKey().getKeyID(), retired.getKeyID());
        PurgeCertificateClaims claims = PurgeCertificateClaims.of(ACCOUNT, history(), "account-service", NOW);
        JWKSet published = JWKSet.parse(loaded.publicKeys().toString(true));
        assertThat(CertificateVerifier.verify(PurgeCertificates.sign(claims, retired), published)).isEqualTo(claims);
        assertThat(CertificateVerifier.verify(PurgeCertificates.sign(claims, loaded.signingKey()), published))
                .isEqualTo(claims);
    }

    @Test
    void aNewKeyFromTheCommandIsAPrivateP256KeyWithAKidThatSigns() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(NewCertificateKeyCommand.run(new String[] {"new-purge-certificate-key"}, new PrintStream(out, true),
                                                new PrintStream(new ByteArrayOutputStream()))).isZero();
        ECKey generated = ECKey.parse(out.toString().strip());
        assertThat(generated.isPrivate()).isTrue();
        assertThat(generated.getKeyID()).isNotBlank();
        PurgeCertificateClaims claims = PurgeCertificateClaims.of(ACCOUNT, history(), "account-service", NOW);
        assertThat(CertificateVerifier.verify(PurgeCertificates.sign(claims, generated),
                                              new JWKSet(generated.toPublicJWK()))).isEqualTo(claims);
    }

    @Test
    void theCommandPrintsTheClaimsAndValidOrWhyNot(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("certificate.jws");
        Path jwks = dir.resolve("keys.json");
        Path events = dir.resolve("events.jsonl");
        Files.writeString(file, certificate() + "\n");
        Files.writeString(jwks, keys.toString(true));
        Files.write(events, history().stream().map(EventEnvelopes::json).toList());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = VerifyCertificateCommand.run(new String[] {"verify-certificate", file.toString(), "--jwks",
                                                              jwks.toString(), "--events", events.toString()},
                                                new PrintStream(out, true), new PrintStream(err, true));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("accountId: " + ACCOUNT, "eventCount: 4", "chain: the 4 events")
                                  .endsWith("valid\n");

        Files.write(events, history().subList(0, 3).stream().map(EventEnvelopes::json).toList());
        out.reset();
        err.reset();
        assertThat(VerifyCertificateCommand.run(new String[] {"verify-certificate", file.toString(), "--jwks",
                                                              jwks.toString(), "--events", events.toString()},
                                                new PrintStream(out, true), new PrintStream(err, true)))
                .isEqualTo(1);
        assertThat(err.toString()).startsWith("invalid: ").contains("no AccountPurged");
        assertThat(out.toString()).as("no claims printed for what did not verify").isEmpty();
        assertThat(VerifyCertificateCommand.run(new String[] {"verify-certificate", file.toString()},
                                                new PrintStream(out), new PrintStream(err))).isEqualTo(2);
    }
}
