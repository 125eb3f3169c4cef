package io.accountlifecycle.service.web;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link RateLimits} charges to whom, without a server; {@code RateLimitIT} covers the wiring. */
class RateLimitsTest {

    private final RateLimits limits = new RateLimits(new RateLimitSettings(true, 1, 2), new SimpleMeterRegistry());

    @AfterEach
    void forgetTheCaller() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aSubjectsBudgetIsNotItsAddresssAndARequestIsChargedOnce() throws IOException {
        SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(
                Jwt.withTokenValue("t").header("alg", "RS256").subject("alice").build(), List.of()));
        MockHttpServletResponse first = admitted("/accounts");
        assertThat(first.getHeader(RateLimits.REMAINING)).isEqualTo("1");
        assertThat(admitted("/accounts").getHeader(RateLimits.REMAINING)).isEqualTo("0");

        MockHttpServletRequest third = request("/accounts");
        MockHttpServletResponse refused = new MockHttpServletResponse();
        assertThat(limits.admit(third, refused)).isFalse();
        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getContentType()).isEqualTo("application/problem+json");
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getHeader(RateLimits.LIMIT)).isEqualTo("2");
        assertThat(refused.getHeader(RateLimits.RESET)).isEqualTo("2");
        assertThat(refused.getContentAsString()).contains("alice");
        assertThat(limits.admit(third, new MockHttpServletResponse())).as("decided once per request").isFalse();

        SecurityContextHolder.clearContext();
        assertThat(admitted("/accounts").getHeader(RateLimits.REMAINING)).as("the address 127.0.0.1").isEqualTo("1");
    }

    @Test
    void probesAndApiDescriptionsAreNeverCharged() throws IOException {
        for (int i = 0; i < 3; i++) {
            for (String path : List.of("/livez", "/readyz", "/actuator/health/readiness", "/v3/api-docs",
                                       "/v3/api-docs/swagger-config", "/asyncapi.json",
                                       "/schemas/account-event-envelope.schema.json", "/swagger-ui/index.html")) {
                assertThat(admitted(path).getHeaderNames()).as(path).doesNotContain(RateLimits.LIMIT);
            }
        }
        assertThat(admitted("/livez/../accounts").getHeader(RateLimits.REMAINING)).isEqualTo("1");
        assertThat(admitted("/schemas/../accounts.json").getHeader(RateLimits.REMAINING)).isEqualTo("0");
    }

    @Test
    void disabledItChargesNothingAndSendsNoHeaders() throws IOException {
        RateLimits off = new RateLimits(new RateLimitSettings(false, 1, 1), new SimpleMeterRegistry());
        for (int i = 0; i < 3; i++) {
            MockHttpServletResponse response = new MockHttpServletResponse();
            assertThat(off.admit(request("/accounts"), response)).isTrue();
            assertThat(response.getHeaderNames()).isEmpty();
        }
    }

    @EnableConfigurationProperties(RateLimitSettings.class)
    static class Settings {
    }

    @Test
    void settingsAreValidatedAtStart() {
        ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Settings.class);
        runner.run(context -> assertThat(context.getBean(RateLimitSettings.class))
                .isEqualTo(new RateLimitSettings(true, 2000, 4000)));
        runner.withPropertyValues("account.http.rate-limit.burst=0")
              .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("account.http.rate-limit.requests-per-second=0")
              .run(context -> assertThat(context).hasFailed());
    }

    private MockHttpServletResponse admitted(String path) throws IOException {
        MockHttpServletResponse response = new MockHttpServletResponse();
        assertThat(limits.admit(request(path), response)).as(path).isTrue();
        return response;
    }

    private static MockHttpServletRequest request(String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setRemoteAddr("127.0.0.1");
        return request;
    }
}
