package io.accountlifecycle.purge;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * The deletion policy.
 *
 * @param hold        how long an account stays quarantined before it is purged ({@code account.purge.hold},
 *                    environment {@code ACCOUNT_PURGE_HOLD}, ISO-8601, default {@code P30D})
 * @param pausedRetry while purges are paused, how often a due purge looks again (resume also wakes it at once)
 */
@ConfigurationProperties("account.purge")
public record PurgeSettings(Duration hold, Duration pausedRetry) {

    public PurgeSettings {
        if (hold == null) {
            hold = Duration.ofDays(30);
        }
        if (hold.isNegative()) {
            throw new IllegalArgumentException("account.purge.hold must not be negative: " + hold);
        }
        if (pausedRetry == null) {
            pausedRetry = Duration.ofMinutes(1);
        }
    }
}
