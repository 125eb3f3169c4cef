package io.accountlifecycle.service.web;

import io.accountlifecycle.projections.audit.AuditCsv;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

import java.time.Duration;
import java.util.List;

/**
 * Which other sites' pages may call the API from a browser ({@code account.http.cors.allowed-origins}, e.g.
 * {@code https://console.example.com}): none by default. Such a browser gets {@code Access-Control-Allow-Origin} and
 * may read the rate-limit headers, and an export's file name and whether it was cut; any other origin's cross-site
 * request is refused with 403. Callers that are not browsers (product services, curl) send no {@code Origin} and are
 * not affected.
 */
@ConfigurationProperties("account.http.cors")
public record CorsSettings(List<String> allowedOrigins) {

    public CorsSettings {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    }

    /** The CORS rules of the API port, or null (no cross-site access) when no origin is allowed. */
    public CorsConfigurationSource source() {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (!allowedOrigins.isEmpty()) {
            CorsConfiguration configuration = new CorsConfiguration();
            configuration.setAllowedOrigins(allowedOrigins);
            configuration.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH"));
            configuration.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE,
                                                    "X-Correlation-Id"));
            configuration.setExposedHeaders(List.of("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
                                                    HttpHeaders.RETRY_AFTER, HttpHeaders.LOCATION, HttpHeaders.ETAG,
                                                    "Server-Timing", HttpHeaders.CONTENT_DISPOSITION,
                                                    AuditCsv.TRUNCATED_HEADER));
            configuration.setMaxAge(Duration.ofHours(1));
            source.registerCorsConfiguration("/**", configuration);
        }
        return source;
    }
}
