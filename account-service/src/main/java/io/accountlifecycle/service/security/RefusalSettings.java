package io.accountlifecycle.service.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How refusals of authenticated callers are audited and held back ({@link AccessAudit}).
 *
 * @param refusalsPerMinute    refusals of one subject within a minute, over every endpoint, answered 403; the ones
 *                             past it are answered 429 with {@code Retry-After} until the minute ends (still counted)
 * @param refusalFlushInterval how often closed minutes are turned into {@code AccessDeniedEvent}s: the audit log
 *                             shows a refusal at most this long after its minute ends
 */
@ConfigurationProperties("account.security")
public record RefusalSettings(@DefaultValue("60") int refusalsPerMinute,
                              @DefaultValue("PT15S") Duration refusalFlushInterval) {

    public RefusalSettings {
        if (refusalsPerMinute < 1) {
            throw new IllegalArgumentException("account.security.refusals-per-minute must be at least 1, not "
                                               + refusalsPerMinute);
        }
        if (refusalFlushInterval.isNegative() || refusalFlushInterval.isZero()) {
            throw new IllegalArgumentException("account.security.refusal-flush-interval must be positive, not "
                                               + refusalFlushInterval);
        }
    }
}
