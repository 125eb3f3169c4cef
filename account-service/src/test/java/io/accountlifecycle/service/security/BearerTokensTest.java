package io.accountlifecycle.service.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.mock.web.MockHttpServletRequest;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bearer token rule without a regular expression answers exactly as Spring Security's default resolver. */
class BearerTokensTest {

    private static final List<String> HEADERS = List.of(
            "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl",
            "bearer abc", "BEARER abc==", "Bearer a-b._~+/c=", "Bearer abc=d", "Bearer ", "Bearer", "Bearerabc",
            "Bearer  abc", "Bearer abc ", "Bearer abc\n", "Bearer ab\u00e9c", "Bearer ===", "Basic dXNlcjpwYXNz",
            "bear abc", "", "Bearer a,b", "Bearer\tabc");

    @Test
    void sameAnswerAsTheDefaultResolver() {
        DefaultBearerTokenResolver reference = new DefaultBearerTokenResolver();
        BearerTokens resolver = new BearerTokens();
        for (String header : HEADERS) {
            MockHttpServletRequest request = new MockHttpServletRequest("POST", "/accounts");
            request.addHeader("Authorization", header);
            String expected;
            try {
                expected = reference.resolve(request);
            } catch (OAuth2AuthenticationException e) {
                assertThatThrownBy(() -> resolver.resolve(request)).as(header)
                        .isInstanceOfSatisfying(OAuth2AuthenticationException.class, mine -> assertThat(
                                mine.getError().getErrorCode()).isEqualTo(e.getError().getErrorCode()));
                continue;
            }
            assertThat(resolver.resolve(request)).as(header).isEqualTo(expected);
        }
        assertThat(resolver.resolve(new MockHttpServletRequest("GET", "/accounts"))).isNull();
    }

    @Test
    void malformedTokensAreRefused() {
        assertThatThrownBy(() -> BearerTokens.fromHeader("Bearer abc def"))
                .isInstanceOf(OAuth2AuthenticationException.class).hasMessageContaining("malformed");
        assertThat(BearerTokens.fromHeader("Bearer abc==")).isEqualTo("abc==");
    }

    @Test
    void kafkaRecordsFollowTheSameRule() {
        for (String header : HEADERS) {
            String expected;
            try {
                expected = BearerTokens.fromHeader(header);
            } catch (OAuth2AuthenticationException e) {
                expected = null;
            }
            assertThat(BearerTokens.tokenOf(header)).as(header).isEqualTo(expected);
        }
        assertThat(BearerTokens.tokenOf(null)).isNull();
    }
}
