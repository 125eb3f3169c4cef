package io.accountlifecycle.service.web;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The per-caller request rate limit of the API port ({@link RateLimits}): a token bucket per caller and instance.
 *
 * @param enabled           off: nothing is limited and no {@code RateLimit-*} header is sent
 * @param requestsPerSecond the sustained rate a caller may keep up for ever (the bucket's refill)
 * @param burst             the requests a caller may send at once after a pause (the bucket's capacity, sent as
 *                          {@code RateLimit-Limit})
 */
@Validated
@ConfigurationProperties("account.http.rate-limit")
public record RateLimitSettings(@DefaultValue("true") boolean enabled,
                                @DefaultValue("2000") @Min(1) long requestsPerSecond,
                                @DefaultValue("4000") @Min(1) long burst) {
}
