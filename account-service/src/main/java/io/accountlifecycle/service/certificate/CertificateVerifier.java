package io.accountlifecycle.service.certificate;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import io.accountlifecycle.api.EventEnvelope;

import java.text.ParseException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a purge certificate as a third party would, with nothing but the published keys: a compact JWS whose
 * {@code typ} is {@value #TYPE}, signed ES256 by the key its {@code kid} names in the key set, carrying every claim;
 * and, given the account's events from {@code account.events}, that they hash to the chain head it states. The
 * {@code verify-certificate} command and the tests use this same code.
 */
public final class CertificateVerifier {

    public static final String TYPE = "purge-certificate+jws";
    public static final JOSEObjectType OBJECT_TYPE = new JOSEObjectType(TYPE);
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;

    private CertificateVerifier() {
    }

    /**
     * The claims of {@code certificate} once its signature verifies against {@code keys}.
     *
     * @throws InvalidCertificateException saying which check failed
     */
    public static PurgeCertificateClaims verify(String certificate, JWKSet keys) throws InvalidCertificateException {
        JWSObject jws;
        try {
            jws = JWSObject.parse(certificate.strip());
        } catch (ParseException e) {
            throw new InvalidCertificateException("not a compact JWS: " + e.getMessage());
        }
        if (!OBJECT_TYPE.equals(jws.getHeader().getType())) {
            throw new InvalidCertificateException("typ is " + jws.getHeader().getType() + ", not " + TYPE
                                                  + ": this is not a purge certificate");
        }
        if (!ALGORITHM.equals(jws.getHeader().getAlgorithm())) {
            throw new InvalidCertificateException("alg is " + jws.getHeader().getAlgorithm() + ", not " + ALGORITHM);
        }
        String kid = jws.getHeader().getKeyID();
        if (kid == null) {
            throw new InvalidCertificateException("the header names no key (kid)");
        }
        JWK key = keys.getKeyByKeyId(kid);
        if (!(key instanceof ECKey ecKey) || !Curve.P_256.equals(ecKey.getCurve())) {
            throw new InvalidCertificateException("no EC P-256 key with kid " + kid + " among the published keys");
        }
        try {
            if (!jws.verify(new ECDSAVerifier(ecKey.toPublicJWK()))) {
                throw new InvalidCertificateException("the signature does not verify with key " + kid
                                                      + ": the certificate was changed, or not signed by it");
            }
        } catch (JOSEException e) {
            throw new InvalidCertificateException("the signature cannot be checked: " + e.getMessage());
        }
        try {
            return PurgeCertificateClaims.fromJwt(JWTClaimsSet.parse(jws.getPayload().toJSONObject()));
        } catch (ParseException e) {
            throw new InvalidCertificateException("the payload is not a JSON claims set: " + e.getMessage());
        }
    }

    /**
     * Whether {@code events} (envelopes as {@code account.events} carries them, of any accounts, in any order, a
     * record published twice included) hash to the chain {@code claims} states: the account's events, once each, in
     * sequence order, up to and including the purge event.
     *
     * @throws InvalidCertificateException saying how they differ
     */
    public static void verifyChain(PurgeCertificateClaims claims, List<EventEnvelope> events)
            throws InvalidCertificateException {
        if (!EventChain.ALGORITHM.equals(claims.chainAlgorithm())) {
            throw new InvalidCertificateException("unknown chain algorithm " + claims.chainAlgorithm());
        }
        Map<String, EventEnvelope> once = new LinkedHashMap<>();
        events.stream().filter(e -> claims.accountId().toString().equals(e.accountId()))
              .forEach(e -> once.putIfAbsent(e.eventId(), e));
        List<EventEnvelope> ordered = once.values().stream()
                                          .sorted(Comparator.comparingLong(EventEnvelope::sequenceNumber)).toList();
        List<EventEnvelope> chained = PurgeCertificateClaims.untilPurge(ordered).orElseThrow(
                () -> new InvalidCertificateException("the events given hold no AccountPurged of account "
                                                      + claims.accountId()));
        EventEnvelope purge = chained.get(chained.size() - 1);
        if (!purge.eventId().equals(claims.purgeEventId())) {
            throw new InvalidCertificateException("the events' purge is " + purge.eventId() + ", the certificate's "
                                                  + claims.purgeEventId());
        }
        for (int i = 0; i < chained.size(); i++) {
            if (chained.get(i).sequenceNumber() != i) {
                throw new InvalidCertificateException("event " + i + " of the account is missing from the events "
                                                      + "given");
            }
        }
        if (chained.size() != claims.eventCount()) {
            throw new InvalidCertificateException(chained.size() + " events up to the purge, the certificate says "
                                                  + claims.eventCount());
        }
        String head = EventChain.head(chained);
        if (!head.equals(claims.chainHead())) {
            throw new InvalidCertificateException("the events hash to " + head + ", the certificate states "
                                                  + claims.chainHead() + ": an event differs");
        }
    }
}
