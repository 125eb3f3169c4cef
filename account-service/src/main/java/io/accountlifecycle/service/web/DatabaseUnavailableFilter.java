package io.accountlifecycle.service.web;

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
 * A request that fails because the database is unreachable or dropped its session ({@link DatabaseUnavailable})
 * is answered {@code 503} with {@code Retry-After}, as problem details, instead of a {@code 500}: the request was
 * fine, the service is not broken, and a client (or a load balancer) should come back shortly rather than page
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
            log.warn("{} {} answered 503: the database is unavailable ({})", request.getMethod(),
                     request.getRequestURI(), rootMessage(e));
            response.resetBuffer();
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS));
            ProblemResponses.write(response, HttpStatus.SERVICE_UNAVAILABLE, "Database unavailable",
                                   "The database could not be reached or dropped the connection. Retry in "
                                   + RETRY_AFTER_SECONDS + " s.");
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
