package io.accountlifecycle.service.certificate;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import io.accountlifecycle.api.EventEnvelope;
import io.accountlifecycle.service.eventstore.EventEnvelopes;
import io.accountlifecycle.service.eventstore.EventTable;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues purge certificates: the account's stored events, read as {@code account.events} carries them, hashed into
 * the {@link EventChain} and signed with the certificate key. Nothing is kept: a certificate is issued anew on each
 * request, from events that never change, so only its {@code iat} and signature differ between two.
 */
public class PurgeCertificates {

    private final EventTable events;
    private final CertificateKeys keys;
    private final String issuer;
    private final Clock clock;

    public PurgeCertificates(EventTable events, CertificateKeys keys, String issuer, Clock clock) {
        this.events = events;
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
    }

    /**
     * The signed certificate of the account's purge; empty when there is no such account.
     *
     * @throws PurgeCertificateClaims.NotPurgedException when the account exists but is not purged
     */
    public Optional<String> issue(UUID accountId) {
        List<EventEnvelope> stored = events.readAggregateRows(accountId.toString()).stream()
                                           .map(EventEnvelopes::of).toList();
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return Optional.of(sign(PurgeCertificateClaims.of(accountId, stored, issuer, now), keys.signingKey()));
    }

    /** The compact JWS of {@code claims}: ES256, {@code typ} {@value CertificateVerifier#TYPE}, the key's kid. */
    static String sign(PurgeCertificateClaims claims, ECKey key) {
        JWSHeader header = new JWSHeader.Builder(CertificateVerifier.ALGORITHM).type(CertificateVerifier.OBJECT_TYPE)
                                                                                .keyID(key.getKeyID()).build();
        SignedJWT jws = new SignedJWT(header, claims.toJwt());
        try {
            jws.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a purge certificate", e);
        }
        return jws.serialize();
    }
}
