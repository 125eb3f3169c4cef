package io.accountlifecycle.service.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.api.AccessDeniedEvent;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AccessDeniedEvent}s stored before refusals were aggregated still read, as one refusal each. */
class AccessDeniedEventCompatibilityTest {

    private final ObjectMapper json = EventStoreConfiguration.axonObjectMapper();

    @Test
    void anEventStoredBeforeAggregationReadsAsOneRefusal() throws Exception {
        AccessDeniedEvent stored = json.readValue("""
                {"actor":"eve","method":"PUT","path":"/accounts/8d6f0b8e-0c2a-4a43-9a51-3f1f0c1d2e3f/plan",\
                "accountId":"8d6f0b8e-0c2a-4a43-9a51-3f1f0c1d2e3f",\
                "reason":"the token of eve lacks the scope this request needs"}""", AccessDeniedEvent.class);

        assertThat(stored.actor()).isEqualTo("eve");
        assertThat(stored.accountId()).isEqualTo("8d6f0b8e-0c2a-4a43-9a51-3f1f0c1d2e3f");
        assertThat(stored.count()).isEqualTo(1);
        assertThat(stored.firstAt()).isNull();
        assertThat(stored.lastAt()).isNull();
    }

    @Test
    void anAggregatedEventRoundTrips() throws Exception {
        AccessDeniedEvent event = new AccessDeniedEvent("eve", "*", "/**", null, "no endpoint", 57,
                                                        Instant.parse("2026-12-05T10:03:01.250Z"),
                                                        Instant.parse("2026-12-05T10:03:58.999Z"));

        assertThat(json.readValue(json.writeValueAsString(event), AccessDeniedEvent.class)).isEqualTo(event);
    }
}
