package io.accountlifecycle.service.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The per-caller request rate limit of the API port: a token bucket ({@link RateLimitSettings}: {@code burst}
 * requests at once, refilled at {@code requests-per-second}) per caller, in this instance's memory — each replica
 * limits on its own, and no request waits on the database for it. The caller is the verified token's subject
 * ({@code sub}); a request without a valid token is counted against its client address, so invalid tokens cannot mint
 * fresh budgets and forged tokens naming a subject cannot drain that subject's.
 * <p>
 * Every response of the API port carries {@code RateLimit-Limit} (the burst), {@code RateLimit-Remaining} (requests
 * left now) and {@code RateLimit-Reset} (seconds until the bucket is full again), as the IETF draft
 * httpapi-ratelimit-headers names them; a caller over its limit is answered {@code 429} with {@code Retry-After}
 * (seconds until one more request is allowed) as problem details, and nothing else happens. The probes and the API
 * descriptions are exempt: never limited, no headers.
 * <p>
 * Charged once per request, where the caller is first known: by {@link #filter()} in the API's security chain once the
 * bearer token is verified, or earlier, against the address, where a request is refused before that (an invalid
 * token's 401, a declared body over the size limit). The headers are set before the refusal or the handler writes
 * the response, and survive it.
 */
@Component
@EnableConfigurationProperties(RateLimitSettings.class)
public class RateLimits {

    public static final String LIMIT = "RateLimit-Limit";
    public static final String REMAINING = "RateLimit-Remaining";
    public static final String RESET = "RateLimit-Reset";

    /**
     * Callers remembered at once. A bucket idle long enough to be full again is forgotten (a new one is the same), so
     * this bounds only callers active within the last {@code burst / requests-per-second} seconds; past it the least
     * used are forgotten first (Caffeine's frequency-aware eviction), a few hundred bytes each.
     */
    static final int MAX_CALLERS = 20_000;

    private static final String CHARGED = RateLimits.class.getName() + ".admitted";
    /** A JSON Schema the AsyncAPI description refers to ({@code ApiDescriptions}): one file name, no deeper path. */
    private static final Pattern SCHEMA_FILE = Pattern.compile("/schemas/[A-Za-z0-9.-]+\\.json");

    private final RateLimitSettings settings;
    private final Bandwidth bandwidth;
    private final String limit;
    private final Cache<Caller, Bucket> buckets;
    private final Counter limitedSubjects;
    private final Counter limitedAddresses;

    /** Whose budget a request is charged to: a token's subject, or a client address. */
    private record Caller(boolean subject, String name) {
    }

    RateLimits(RateLimitSettings settings, MeterRegistry metrics) {
        this.settings = settings;
        this.bandwidth = Bandwidth.builder().capacity(settings.burst())
                                  .refillGreedy(settings.requestsPerSecond(), Duration.ofSeconds(1)).build();
        this.limit = Long.toString(settings.burst());
        this.buckets = Caffeine.newBuilder()
                               .maximumSize(MAX_CALLERS)
                               .expireAfterAccess(Duration.ofSeconds(settings.burst() / settings.requestsPerSecond()
                                                                     + 2))
                               .build();
        String description = "Requests answered 429 for being over the caller's rate limit "
                             + "(account.http.rate-limit.*)";
        this.limitedSubjects = Counter.builder("account.http.rate.limited").tag("caller", "subject")
                                      .description(description).register(metrics);
        this.limitedAddresses = Counter.builder("account.http.rate.limited").tag("caller", "address")
                                       .description(description).register(metrics);
    }

    /**
     * Charges the request to its caller, once however often it is asked, and sets the {@code RateLimit-*} headers.
     *
     * @return true when the request may go on; false when it was over the limit and has been answered {@code 429}
     */
    public boolean admit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!settings.enabled() || exempt(request)) {
            return true;
        }
        if (request.getAttribute(CHARGED) instanceof Boolean admitted) {
            return admitted;
        }
        Caller caller = caller(request);
        ConsumptionProbe probe = buckets.get(caller, c -> Bucket.builder().addLimit(bandwidth).build())
                                        .tryConsumeAndReturnRemaining(1);
        request.setAttribute(CHARGED, probe.isConsumed());
        response.setHeader(LIMIT, limit);
        response.setHeader(REMAINING, Long.toString(probe.getRemainingTokens()));
        response.setHeader(RESET, Long.toString(seconds(probe.getNanosToWaitForReset())));
        if (probe.isConsumed()) {
            return true;
        }
        (caller.subject() ? limitedSubjects : limitedAddresses).increment();
        long retryAfter = Math.max(1, seconds(probe.getNanosToWaitForRefill()));
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        ProblemResponses.write(response, HttpStatus.TOO_MANY_REQUESTS, "Too many requests",
                (caller.subject() ? caller.name() : "Requests without a valid token from " + caller.name())
                + " went over the rate limit of this instance (bursts of " + settings.burst() + " requests, "
                + settings.requestsPerSecond() + " per second sustained); retry in " + retryAfter + " s.");
        return false;
    }

    /**
     * The filter that charges a request to its token's subject, or its address without one: placed in the API's
     * security chain right after the bearer token is verified, so its refusal comes before authorization and
     * anything else.
     */
    public Filter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                            FilterChain chain) throws ServletException, IOException {
                if (admit(request, response)) {
                    chain.doFilter(request, response);
                }
            }
        };
    }

    private static Caller caller(HttpServletRequest request) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken jwt && jwt.isAuthenticated()
            && jwt.getToken().getSubject() != null) {
            return new Caller(true, jwt.getToken().getSubject());
        }
        return new Caller(false, request.getRemoteAddr());
    }

    /**
     * The liveness and readiness probes (a low limit must not take a pod out of service) and the API descriptions
     * (anonymous documents that clients, gateways and linters fetch). Matched on the raw path: a variant that is not
     * exactly one of these is simply charged.
     */
    private static boolean exempt(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals("/livez") || path.equals("/readyz")
               || path.equals("/actuator/health") || path.startsWith("/actuator/health/")
               || path.equals("/v3/api-docs") || path.startsWith("/v3/api-docs/") || path.equals("/asyncapi.json")
               || SCHEMA_FILE.matcher(path).matches()
               || path.equals("/swagger-ui.html") || path.startsWith("/swagger-ui/");
    }

    private static long seconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
