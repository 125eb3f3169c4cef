package io.accountlifecycle.service.embedded;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The embedded default's PostgreSQL, used when no {@code spring.datasource.url} is configured.
 *
 * @param dataDirectory where the cluster lives (default {@code ./data/postgres}); kept across restarts
 * @param port          a fixed port, so analysts' psql and other tools can find it (default 5433)
 * @param database      the service's database, created at first start
 * @param ownerRole     the role that owns the schema and runs the migrations, created at first start
 * @param keysDirectory where the generated passwords of every role are kept (default {@code ./data/keys})
 * @param settings      PostgreSQL settings applied at every start ({@code postgres -c name=value}); application.yml
 *                      spaces checkpoints out. Not those the service sets itself ({@link #FIXED}: durability)
 */
@ConfigurationProperties("account.embedded.postgres")
public record EmbeddedPostgresProperties(Path dataDirectory, Integer port, String database, String ownerRole,
                                         Path keysDirectory, Map<String, String> settings) {

    /** Not configurable: the server's own settings, its port (a property of its own) and zonky's UTC. */
    static final Set<String> FIXED = Stream.concat(EmbeddedPostgresServer.OWN_SETTINGS.keySet().stream(),
                                                   Stream.of("port", "timezone"))
                                           .collect(Collectors.toUnmodifiableSet());

    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern SETTING_VALUE = Pattern.compile("[^\\s'\"\\\\]+");

    public EmbeddedPostgresProperties(Path dataDirectory, Integer port, String database, String ownerRole,
                                      Path keysDirectory) {
        this(dataDirectory, port, database, ownerRole, keysDirectory, null);
    }

    @ConstructorBinding
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
        settings = settings == null ? Map.of() : settings;
        settings.forEach((name, value) -> {
            String property = "account.embedded.postgres.settings." + name;
            if (FIXED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(property + " cannot be set: the service sets "
                        + String.join(", ", FIXED.stream().sorted().toList()) + " itself");
            }
            // zonky hands the settings to pg_ctl as one option string: a space or a quote would split it.
            if (!SETTING_NAME.matcher(name).matches() || value == null || !SETTING_VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException(property + "=" + value + " is not a PostgreSQL setting: a name of "
                        + "letters, digits, '_' and '.', and a value without spaces or quotes (e.g. 15min, 4GB)");
            }
        });
        settings = Map.copyOf(settings);
    }
}
