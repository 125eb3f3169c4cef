package io.accountlifecycle.service.certificate;

import com.nimbusds.jwt.JWTClaimsSet;
import io.accountlifecycle.api.AccountDeletionRequestedEvent;
import io.accountlifecycle.api.AccountPurgedEvent;
import io.accountlifecycle.api.EventEnvelope;
import io.accountlifecycle.service.personal.PersonalDataSealer;

import java.math.BigDecimal;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a purge certificate states (JWT claim names in brackets; instants other than {@code iat} are ISO-8601 text, to
 * the precision the events carry).
 *
 * @param issuer             [{@code iss}] the service that purged
 * @param accountId          [{@code sub} and {@code accountId}] the account purged
 * @param issuedAt           [{@code iat}] when this certificate was signed (seconds)
 * @param erasureRequestedAt [{@code erasureRequestedAt}] when erasure was asked for: the last
 *                           {@code AccountDeletionRequested} before the purge, its payload's {@code receivedAt} where
 *                           it has one, else its own instant
 * @param requestKind        [{@code requestKind}] that request's {@code kind}, {@code STANDARD} when it has none
 * @param purgedAt           [{@code purgedAt}] the {@code AccountPurged} event's instant
 * @param destroyedDataKeyId [{@code destroyedDataKeyId}] the data key the purge destroyed (its personal fields' key)
 * @param purgeEventId       [{@code purgeEventId}] the {@code AccountPurged} event's id
 * @param eventCount         [{@code eventCount}] the events the chain covers
 * @param chainAlgorithm     [{@code chainAlgorithm}] {@link EventChain#ALGORITHM}
 * @param chainHead          [{@code chainHead}] the head of the {@link EventChain}, lower-case hex
 */
public record PurgeCertificateClaims(String issuer, UUID accountId, Instant issuedAt, Instant erasureRequestedAt,
                                     String requestKind, Instant purgedAt, String destroyedDataKeyId,
                                     String purgeEventId, long eventCount, String chainAlgorithm, String chainHead) {

    static final String DEFAULT_REQUEST_KIND = "STANDARD";

    /** Thrown when the account's events hold no purge. */
    public static final class NotPurgedException extends RuntimeException {
        NotPurgedException(UUID accountId) {
            super("Account " + accountId + " is not purged: a purge certificate exists only after its purge");
        }
    }

    /**
     * The claims for the account whose events, oldest first, are {@code events}: the chain runs up to and including
     * its {@code AccountPurged}.
     *
     * @throws NotPurgedException when none of them is {@code AccountPurged}
     */
    public static PurgeCertificateClaims of(UUID accountId, List<EventEnvelope> events, String issuer,
                                            Instant issuedAt) {
        List<EventEnvelope> chained = untilPurge(events).orElseThrow(() -> new NotPurgedException(accountId));
        EventEnvelope purge = chained.get(chained.size() - 1);
        EventEnvelope request = null;
        for (EventEnvelope event : chained) {
            if (event.payloadType().equals(AccountDeletionRequestedEvent.class.getName())) {
                request = event;
            }
        }
        if (request == null) {
            throw new IllegalStateException("Account " + accountId + " was purged without a deletion request");
        }
        Object receivedAt = request.payload().get("receivedAt");
        Object kind = request.payload().get("kind");
        return new PurgeCertificateClaims(issuer, accountId, issuedAt,
                                          receivedAt != null ? instant(receivedAt)
                                                             : Instant.parse(request.occurredAt()),
                                          kind != null ? kind.toString() : DEFAULT_REQUEST_KIND,
                                          Instant.parse(purge.occurredAt()), PersonalDataSealer.keyIdOf(accountId),
                                          purge.eventId(), chained.size(), EventChain.ALGORITHM,
                                          EventChain.head(chained));
    }

    /** An instant in a payload: ISO-8601 text, or seconds since the epoch as Jackson writes timestamps. */
    private static Instant instant(Object value) {
        if (value instanceof Number seconds) {
            BigDecimal exact = new BigDecimal(seconds.toString());
            return Instant.ofEpochSecond(exact.longValue(),
                                         exact.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        }
        return Instant.parse(value.toString());
    }

    /** The events up to and including the first {@code AccountPurged}, or empty when there is none. */
    static Optional<List<EventEnvelope>> untilPurge(List<EventEnvelope> events) {
        List<EventEnvelope> chained = new ArrayList<>();
        for (EventEnvelope event : events) {
            chained.add(event);
            if (event.payloadType().equals(AccountPurgedEvent.class.getName())) {
                return Optional.of(chained);
            }
        }
        return Optional.empty();
    }

    JWTClaimsSet toJwt() {
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(accountId.toString())
                .issueTime(Date.from(issuedAt))
                .claim("accountId", accountId.toString())
                .claim("erasureRequestedAt", erasureRequestedAt.toString())
                .claim("requestKind", requestKind)
                .claim("purgedAt", purgedAt.toString())
                .claim("destroyedDataKeyId", destroyedDataKeyId)
                .claim("purgeEventId", purgeEventId)
                .claim("eventCount", eventCount)
                .claim("chainAlgorithm", chainAlgorithm)
                .claim("chainHead", chainHead)
                .build();
    }

    /**
     * The claims of a verified certificate.
     *
     * @throws InvalidCertificateException naming the claim that is missing or malformed
     */
    static PurgeCertificateClaims fromJwt(JWTClaimsSet claims) throws InvalidCertificateException {
        try {
            String subject = required(claims.getSubject(), "sub");
            String accountId = required(claims.getStringClaim("accountId"), "accountId");
            if (!subject.equals(accountId)) {
                throw new InvalidCertificateException("sub " + subject + " and accountId " + accountId + " differ");
            }
            Long eventCount = required(claims.getLongClaim("eventCount"), "eventCount");
            return new PurgeCertificateClaims(required(claims.getIssuer(), "iss"), UUID.fromString(accountId),
                                              required(claims.getIssueTime(), "iat").toInstant(),
                                              instant(claims, "erasureRequestedAt"),
                                              required(claims.getStringClaim("requestKind"), "requestKind"),
                                              instant(claims, "purgedAt"),
                                              required(claims.getStringClaim("destroyedDataKeyId"),
                                                       "destroyedDataKeyId"),
                                              required(claims.getStringClaim("purgeEventId"), "purgeEventId"),
                                              eventCount,
                                              required(claims.getStringClaim("chainAlgorithm"), "chainAlgorithm"),
                                              required(claims.getStringClaim("chainHead"), "chainHead"));
        } catch (ParseException | IllegalArgumentException | DateTimeException e) {
            throw new InvalidCertificateException("a claim has the wrong type: " + e.getMessage());
        }
    }

    private static Instant instant(JWTClaimsSet claims, String name) throws ParseException,
            InvalidCertificateException {
        return Instant.parse(required(claims.getStringClaim(name), name));
    }

    private static <T> T required(T value, String name) throws InvalidCertificateException {
        if (value == null) {
            throw new InvalidCertificateException("the claim " + name + " is missing");
        }
        return value;
    }

    /** The claims by name, in the order the README lists them: what {@code verify-certificate} prints. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("iss", issuer);
        map.put("sub", accountId.toString());
        map.put("iat", issuedAt.toString());
        map.put("accountId", accountId.toString());
        map.put("erasureRequestedAt", erasureRequestedAt.toString());
        map.put("requestKind", requestKind);
        map.put("purgedAt", purgedAt.toString());
        map.put("destroyedDataKeyId", destroyedDataKeyId);
        map.put("purgeEventId", purgeEventId);
        map.put("eventCount", eventCount);
        map.put("chainAlgorithm", chainAlgorithm);
        map.put("chainHead", chainHead);
        return map;
    }
}
