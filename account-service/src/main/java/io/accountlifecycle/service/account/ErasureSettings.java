package io.accountlifecycle.service.account;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

/**
 * Erasure requests' legal time limits (GDPR Art. 12(3)): a month from receipt, extendable by two more months with a
 * reason given within the first. Months are calendar months in UTC.
 *
 * @param deadline     {@code account.erasure.deadline}, default {@code P1M}: from the request's {@code receivedAt}
 * @param maxExtension {@code account.erasure.max-extension}, default {@code P2M}: how far past the deadline an
 *                     extension may reach
 * @param alertMargin  {@code account.erasure.alert-margin}, default {@code P3D}: how long before its deadline an
 *                     unpurged erasure raises {@code AccountErasureDeadlineNear}
 */
@ConfigurationProperties("account.erasure")
public record ErasureSettings(Period deadline, Period maxExtension, Duration alertMargin) {

    public ErasureSettings {
        deadline = deadline == null ? Period.ofMonths(1) : deadline;
        maxExtension = maxExtension == null ? Period.ofMonths(2) : maxExtension;
        alertMargin = alertMargin == null ? Duration.ofDays(3) : alertMargin;
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("account.erasure.deadline must be positive: " + deadline);
        }
        if (maxExtension.isNegative()) {
            throw new IllegalArgumentException("account.erasure.max-extension must not be negative: " + maxExtension);
        }
        if (alertMargin.isNegative()) {
            throw new IllegalArgumentException("account.erasure.alert-margin must not be negative: " + alertMargin);
        }
    }

    /** The legal deadline of a request the person made at {@code receivedAt}. */
    public Instant deadlineFor(Instant receivedAt) {
        return receivedAt.atOffset(ZoneOffset.UTC).plus(deadline).toInstant();
    }

    /** The latest instant the deadline {@code deadline} may be extended to. */
    public Instant latestExtension(Instant deadline) {
        return deadline.atOffset(ZoneOffset.UTC).plus(maxExtension).toInstant();
    }

    /**
     * The shortest the deadline can be, whatever the month it starts in (P1M from 31 January is 28 days): what an
     * inbound topic's retention is compared with.
     */
    public Duration shortestDeadline() {
        Instant start = Instant.parse("2027-01-01T00:00:00Z"); // a common year: a February of 28 days
        Duration shortest = null;
        for (int day = 0; day < 365; day++) {
            Instant from = start.plus(Duration.ofDays(day));
            Duration length = Duration.between(from, deadlineFor(from));
            shortest = shortest == null || length.compareTo(shortest) < 0 ? length : shortest;
        }
        return shortest;
    }
}
