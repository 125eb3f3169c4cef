package io.accountlifecycle.service.security;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link HeaderValues} accepts exactly what Spring Security's default header pattern accepts. */
class HeaderValuesTest {

    /** StrictHttpFirewall's default for header names and values. */
    private static final Pattern SPRING_DEFAULT = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

    @Test
    void everyCodePointIsJudgedAsSpringSecurityJudgesIt() {
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            if (Character.isSurrogate((char) codePoint) && codePoint <= 0xFFFF) {
                continue; // a lone surrogate is checked below
            }
            String value = "Bearer a" + Character.toString(codePoint) + "z";
            assertThat(HeaderValues.allowed(value)).as("U+%04X", codePoint)
                                                   .isEqualTo(SPRING_DEFAULT.matcher(value).matches());
        }
    }

    @Test
    void loneSurrogatesTokensAndEmptyValues() {
        for (String value : new String[] {"", "a\uD800", "\uDC00b", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
                                          "tab\there", "del\u007f", "nbsp\u00a0", "emoji \uD83D\uDE00"}) {
            assertThat(HeaderValues.allowed(value)).as(value).isEqualTo(SPRING_DEFAULT.matcher(value).matches());
        }
    }
}
