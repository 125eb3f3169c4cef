package io.accountlifecycle.service.web;

import io.accountlifecycle.service.eventstore.DatabaseUnavailable;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * A request that fails because the database is unreachable, dropped its session or has no disk space left
 * ({@link DatabaseUnavailable}) is answered {@code 503} with {@code Retry-After}, as problem details, instead of a
 * {@code 500}: the request was fine, the service is not broken, and a client (or a load balancer) should come back shortly rather than page
 * someone or give up. A filter rather than an {@code @ExceptionHandler}, and placed before Spring Security's, so
 * that a database lost while a refusal is audited or a token's subject is looked up is answered the same way as one
 * lost in a controller. Anything else passes through untouched.
 */
@Component
@Order(DatabaseUnavailableFilter.ORDER)
class DatabaseUnavailableFilter extends OncePerRequestFilter {

    /** Inside the request-size limit and the observation filter, outside Spring Security's chain (-100). */
    static final int ORDER = -110;
    /** Long enough for a failover or a restart to finish, short enough that a client retries soon. */
    static final long RETRY_AFTER_SECONDS = 5;

    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailableFilter.class);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | IOException | RuntimeException e) {
            if (!DatabaseUnavailable.causedBy(e) || response.isCommitted()) {
                throw e;
            }
            boolean full = DatabaseUnavailable.diskFull(e);
            log.warn("{} {} answered 503: {} ({})", request.getMethod(), request.getRequestURI(),
                     full ? "the database is out of disk space" : "the database is unavailable", rootMessage(e));
            response.resetBuffer();
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS));
            if (full) {
                ProblemResponses.write(response, HttpStatus.SERVICE_UNAVAILABLE, "Database out of disk space",
                                       "The database has no space left to store this request: nothing was stored. "
                                       + "Retry in " + RETRY_AFTER_SECONDS + " s.");
            } else {
                ProblemResponses.write(response, HttpStatus.SERVICE_UNAVAILABLE, "Database unavailable",
                                       "The database could not be reached or dropped the connection. Retry in "
                                       + RETRY_AFTER_SECONDS + " s.");
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
