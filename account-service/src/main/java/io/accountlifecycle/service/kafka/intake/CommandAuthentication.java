package io.accountlifecycle.service.kafka.intake;

import io.accountlifecycle.service.security.BearerTokens;
import io.accountlifecycle.service.security.CommandTokens;
import io.accountlifecycle.service.security.CommandTokens.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Who sent a record on {@code account.commands}: the caller of the bearer token in its {@code authorization} header
 * ({@code Bearer <JWT>}, as over HTTP), valid at the instant the broker appended the record (the topic has
 * {@code message.timestamp.type=LogAppendTime}). So consumer lag refuses no good command, and a token cannot be used
 * after it expired, however old the record it rides on claims to be: a timestamp a producer chose could be anything,
 * so on a topic that keeps producers' timestamps tokens are judged when the record is consumed instead. The header's
 * value is read here and nowhere else: it never reaches a result, a dead letter or a log line.
 */
@Component
class CommandAuthentication {

    static final String HEADER = "authorization";
    /** RFC 6750's scheme and {@code b64token}, as the HTTP resource server reads its Authorization header. */
    private static final Logger log = LoggerFactory.getLogger(CommandAuthentication.class);

    private final CommandTokens tokens;
    private final Clock clock;
    private final boolean requireToken;
    private final Counter unauthenticated;
    private final AtomicBoolean warnedOfProducerTimestamps = new AtomicBoolean();

    CommandAuthentication(CommandTokens tokens, Clock clock, MeterRegistry metrics,
                          @Value("${account.kafka.intake.require-token:true}") boolean requireToken) {
        this.tokens = tokens;
        this.clock = clock;
        this.requireToken = requireToken;
        this.unauthenticated = Counter.builder("account.commands.unauthenticated")
                                      .description("Command records handled without a bearer token while "
                                                   + "account.kafka.intake.require-token is false")
                                      .register(metrics);
    }

    /**
     * The record's sender; empty for a record without a token while tokens are not required (a migration period:
     * counted and logged). A token that is there is always verified.
     *
     * @throws RefusedCommandException with the reason, when the record has no valid token. An issuer that cannot be
     *                                 reached is not the record's fault: that is thrown as it is, and the batch retried.
     */
    Optional<Caller> authenticate(ConsumerRecord<String, byte[]> record) {
        List<Header> headers = new ArrayList<>(1);
        for (Header header : record.headers()) {
            if (HEADER.equalsIgnoreCase(header.key())) {
                headers.add(header);
            }
        }
        if (headers.isEmpty()) {
            if (requireToken) {
                throw new RefusedCommandException("No bearer token: send the sender's token in record header "
                                                  + "'authorization: Bearer <JWT>'");
            }
            unauthenticated.increment();
            log.warn("Command record {}-{}@{} has no bearer token; handled as before, since "
                     + "account.kafka.intake.require-token is false", record.topic(), record.partition(),
                     record.offset());
            return Optional.empty();
        }
        if (headers.size() > 1) {
            throw new RefusedCommandException("More than one authorization header: send exactly one");
        }
        byte[] value = headers.get(0).value();
        // Checked without a regular expression (BearerTokens): a token is several hundred characters.
        String token = BearerTokens.tokenOf(value == null ? null : new String(value, StandardCharsets.UTF_8));
        if (token == null) {
            throw new RefusedCommandException("The authorization header must be 'Bearer <JWT>'");
        }
        boolean appendTime = record.timestampType() == TimestampType.LOG_APPEND_TIME;
        Instant at = appendTime ? Instant.ofEpochMilli(record.timestamp()) : consumedNow(record);
        try {
            return Optional.of(tokens.verify(token, at));
        } catch (BadJwtException e) {
            throw new RefusedCommandException("The bearer token is not valid at " + at
                                              + (appendTime ? ", when the broker appended the record: "
                                                            : ", when the record was consumed: ")
                                              + withoutToken(why(e), token));
        }
    }

    private Instant consumedNow(ConsumerRecord<?, ?> record) {
        if (warnedOfProducerTimestamps.compareAndSet(false, true)) {
            log.warn("{} keeps the timestamps producers set: tokens are judged when a record is consumed, so consumer "
                     + "lag can refuse good commands. Set message.timestamp.type=LogAppendTime on the topic.",
                     record.topic());
        }
        return clock.instant();
    }

    private static String why(BadJwtException e) {
        if (e instanceof JwtValidationException invalid && !invalid.getErrors().isEmpty()) {
            return invalid.getErrors().stream()
                          .map(error -> error.getDescription() == null ? error.getErrorCode() : error.getDescription())
                          .collect(Collectors.joining("; "));
        }
        return e.getMessage();
    }

    /** A decoder's message with no part of the token in it: none quotes the token today, and none ever may here. */
    private static String withoutToken(String message, String token) {
        String safe = message == null ? "refused" : message.replace(token, "<token>");
        for (String part : token.split("\\.")) {
            if (part.length() >= 8) {
                safe = safe.replace(part, "<token>");
            }
        }
        return safe;
    }
}
