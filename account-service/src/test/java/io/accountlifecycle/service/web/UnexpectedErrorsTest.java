package io.accountlifecycle.service.web;

import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.access.AccessDeniedException;

import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the API description promises for a 500: a problem document that discloses nothing of the cause. */
class UnexpectedErrorsTest {

    private final ProblemDetailsAdvice advice = new ProblemDetailsAdvice();
    private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/accounts/x");

    @Test
    void anUnexpectedFailureIsAProblemDocumentThatDisclosesNothing() throws Exception {
        ProblemDetail problem = advice.unexpected(new IllegalStateException("secret table name"), request);
        assertThat(problem.getStatus()).isEqualTo(500);
        assertThat(problem.getTitle()).isEqualTo("Internal error");
        assertThat(problem.getDetail()).doesNotContain("secret");
    }

    @Test
    void refusalsAndALostDatabaseAreLeftToWhatAnswersThem() {
        AccessDeniedException denied = new AccessDeniedException("no scope");
        assertThatThrownBy(() -> advice.unexpected(denied, request)).isSameAs(denied);
        CannotGetJdbcConnectionException lost = new CannotGetJdbcConnectionException(
                "down", new SQLTransientConnectionException("Connection is not available", "08001"));
        assertThatThrownBy(() -> advice.unexpected(lost, request)).isSameAs(lost);
    }
}
