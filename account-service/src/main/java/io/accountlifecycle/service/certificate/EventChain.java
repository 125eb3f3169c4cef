package io.accountlifecycle.service.certificate;

import io.accountlifecycle.api.EventEnvelope;
import io.accountlifecycle.service.eventstore.EventEnvelopes;
import org.erdtman.jcs.JsonCanonicalizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The hash chain a purge certificate states over an account's events: {@code h0} is 32 zero bytes and
 * {@code h(i) = SHA-256(h(i-1) || UTF-8(JCS(envelope(i))))}, over the account's events in sequence order up to and
 * including {@code AccountPurged}, where {@code envelope(i)} is the event as {@code account.events} carries it (every
 * field of {@link EventEnvelope}; personal fields are sealed values) and JCS is RFC 8785. The head is written in
 * lower-case hex. Changing, leaving out, adding or reordering any event changes the head.
 */
public final class EventChain {

    /** Names this definition in the certificate, so a later one can be told apart. */
    public static final String ALGORITHM = "SHA-256/JCS/account.events-envelope/v1";

    private EventChain() {
    }

    /** The chain's head over {@code envelopes}, in the order given. */
    public static String head(List<EventEnvelope> envelopes) {
        byte[] head = new byte[32];
        for (EventEnvelope envelope : envelopes) {
            head = link(head, envelope);
        }
        return HexFormat.of().formatHex(head);
    }

    static byte[] link(byte[] previous, EventEnvelope envelope) {
        MessageDigest sha256 = sha256();
        sha256.update(previous);
        sha256.update(canonical(envelope));
        return sha256.digest();
    }

    /** The envelope in RFC 8785 canonical JSON, UTF-8: what one link of the chain hashes. */
    public static byte[] canonical(EventEnvelope envelope) {
        try {
            return new JsonCanonicalizer(EventEnvelopes.json(envelope)).getEncodedUTF8();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot canonicalize the envelope of event " + envelope.eventId(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
