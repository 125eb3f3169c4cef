package io.accountlifecycle.service.embedded;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedPostgresPropertiesTest {

    private static EmbeddedPostgresProperties with(Map<String, String> settings) {
        return new EmbeddedPostgresProperties(Path.of("pg"), 0, "accounts", "account_owner", null, settings);
    }

    @Test
    void takesPostgresSettings() {
        assertThat(with(Map.of("checkpoint_timeout", "15min", "max_wal_size", "4GB")).settings())
                .containsExactlyInAnyOrderEntriesOf(Map.of("checkpoint_timeout", "15min", "max_wal_size", "4GB"));
        assertThat(with(null).settings()).isEmpty();
        assertThat(new EmbeddedPostgresProperties(Path.of("pg"), 0, "accounts", "account_owner", null).settings())
                .isEmpty();
    }

    @Test
    void refusesTheSettingsTheServiceSetsItself() {
        for (String fixed : new String[] {"fsync", "synchronous_commit", "FULL_PAGE_WRITES", "port", "timezone"}) {
            assertThatThrownBy(() -> with(Map.of(fixed, "off")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("account.embedded.postgres.settings." + fixed + " cannot be set");
        }
    }

    @Test
    void refusesWhatWouldSplitPgCtlsOptionString() {
        assertThatThrownBy(() -> with(Map.of("work_mem", "64MB -c fsync=off")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("work_mem=64MB -c fsync=off is not a PostgreSQL setting");
        assertThatThrownBy(() -> with(Map.of("work_mem", "'64MB'")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> with(Map.of("work mem", "64MB")))
                .isInstanceOf(IllegalArgumentException.class);
        Map<String, String> empty = new HashMap<>();
        empty.put("work_mem", null);
        assertThatThrownBy(() -> with(empty)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> with(Map.of("work_mem", ""))).isInstanceOf(IllegalArgumentException.class);
    }
}
