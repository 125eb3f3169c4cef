package io.accountlifecycle.service.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Password guessing at the local issuer's sign-in: at most {@code account.console.sign-in-attempts-per-minute} (10)
 * posts of the form per client address and minute; past it, {@code 429} with {@code Retry-After} and no password is
 * checked (each check is a bcrypt hash, the costliest thing an anonymous caller can make the service do). Counted
 * per address, not per name, so nobody can lock a person out from elsewhere; behind a proxy the address is the
 * proxy's. In memory, per instance.
 */
final class SignInThrottle extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int perMinute;
    private final Cache<String, AtomicInteger> attempts = Caffeine.newBuilder().expireAfterWrite(WINDOW)
                                                                  .maximumSize(100_000).build();

    SignInThrottle(int perMinute) {
        this.perMinute = perMinute;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if ("POST".equals(request.getMethod())) {
            int count = attempts.get(request.getRemoteAddr(), address -> new AtomicInteger()).incrementAndGet();
            if (count > perMinute) {
                if (count == perMinute + 1) {
                    log.warn("More than {} sign-in attempts this minute from {}: refused until it ends", perMinute,
                             request.getRemoteAddr());
                }
                response.setStatus(429);
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(WINDOW.toSeconds()));
                response.setContentType("text/plain;charset=UTF-8");
                response.getOutputStream().write(("Too many sign-in attempts from this address: try again in a "
                                                  + "minute.\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
