package io.accountlifecycle.service.embedded;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * The embedded default's PostgreSQL, used when no {@code spring.datasource.url} is configured.
 *
 * @param dataDirectory where the cluster lives (default {@code ./data/postgres}); kept across restarts
 * @param port          a fixed port, so analysts' psql and other tools can find it (default 5433)
 * @param database      the service's database, created at first start
 * @param ownerRole     the role that owns the schema and runs the migrations, created at first start
 * @param keysDirectory where the generated passwords of every role are kept (default {@code ./data/keys})
 */
@ConfigurationProperties("account.embedded.postgres")
public record EmbeddedPostgresProperties(Path dataDirectory, Integer port, String database, String ownerRole,
                                         Path keysDirectory) {

    public EmbeddedPostgresProperties {
        if (dataDirectory == null) {
            dataDirectory = Path.of("data", "postgres");
        }
        if (port == null) {
            port = 5433;
        }
        if (database == null) {
            database = "accounts";
        }
        if (ownerRole == null) {
            ownerRole = "account_owner";
        }
        if (keysDirectory == null) {
            keysDirectory = dataDirectory.toAbsolutePath().normalize().resolveSibling("keys");
        }
    }
}
