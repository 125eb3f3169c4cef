package io.accountlifecycle.service.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Request bodies above {@code account.http.max-body-bytes} (default 16 KiB; no command needs more) are refused with
 * 413 before anything reads them; a chunked body is cut off once it passes the limit. First of all filters, so that
 * nothing (Spring's form-content filter among them) reads a body before it is bounded: a declared length over the
 * limit is refused before the token is verified, and so charged to the client address's rate limit
 * ({@link RateLimits}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final RateLimits rateLimits;

    RequestSizeLimitFilter(@Value("${account.http.max-body-bytes:16384}") long maxBytes, RateLimits rateLimits) {
        this.maxBytes = maxBytes;
        this.rateLimits = rateLimits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            if (!rateLimits.admit(request, response)) {
                return;
            }
            ProblemResponses.write(response, HttpStatus.CONTENT_TOO_LARGE, "Request body too large",
                                          "The body has " + request.getContentLengthLong() + " bytes; the limit is "
                                          + maxBytes + ".");
            return;
        }
        chain.doFilter(new Limited(request, maxBytes), response);
    }

    /** Thrown when a body without a declared length runs past the limit. */
    static class BodyTooLargeException extends IOException {
        BodyTooLargeException(long maxBytes) {
            super("The request body exceeds the limit of " + maxBytes + " bytes");
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long maxBytes;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0 && ++read > maxBytes) {
                            throw new BodyTooLargeException(maxBytes);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = in.read(buffer, offset, length);
                        if (n > 0 && (read += n) > maxBytes) {
                            throw new BodyTooLargeException(maxBytes);
                        }
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
