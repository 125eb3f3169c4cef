package io.accountlifecycle.service.security;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar account-service.jar token --subject alice --scopes accounts:read,accounts:write [--ttl PT8H]}
 * prints a token signed with the local key, and nothing else, on stdout. It starts neither the database nor the
 * broker, so it reads no application configuration: run it in the service's working folder (or pass
 * {@code --data-dir}, or set {@code ACCOUNT_DATA_DIR}); the audience comes from {@code --audience} or
 * {@code ACCOUNT_SECURITY_AUDIENCE}, as the service's does.
 *
 * <p>{@code --ttl} is capped by {@code account.security.token-max-ttl} (system property, or environment
 * {@code ACCOUNT_SECURITY_TOKEN_MAX_TTL}; default {@link TokenSettings#DEFAULT_MAX_TTL}): a token cannot be
 * revoked, so a leaked one must not stay good for weeks.
 */
public final class TokenCommand {

    static final String MAX_TTL = "account.security.token-max-ttl";

    private static final Set<String> OPTIONS = Set.of("subject", "scopes", "ttl", "data-dir", "signing-key-file",
                                                      "issuer", "audience");

    private TokenCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--") && arg.contains("=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (arg.startsWith("--") && i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else {
                err.println("Unexpected argument: " + arg);
                return usage(err);
            }
        }
        // The service's own spelling of the data folder works too: the same --account.data-dir=… as the service.
        String alias = options.remove("account.data-dir");
        if (alias != null) {
            options.putIfAbsent("data-dir", alias);
        }
        for (String option : options.keySet()) {
            if (!OPTIONS.contains(option)) {
                // An option not read here must not be ignored: a data folder misspelt is a token nobody accepts.
                err.println("Unknown option --" + option);
                return usage(err);
            }
        }
        String subject = options.get("subject");
        String scopes = options.get("scopes");
        if (subject == null || subject.isBlank() || scopes == null) {
            return usage(err);
        }
        Duration ttl;
        try {
            ttl = Duration.parse(options.getOrDefault("ttl", TokenSettings.DEFAULT_TTL.toString()));
        } catch (RuntimeException e) {
            err.println("--ttl must be an ISO-8601 duration such as PT1H");
            return 2;
        }
        Duration maxTtl;
        try {
            maxTtl = maxTtl();
        } catch (RuntimeException e) {
            err.println(MAX_TTL + " must be an ISO-8601 duration such as PT12H: " + e.getMessage());
            return 2;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            err.println("--ttl must be positive");
            return 2;
        }
        if (ttl.compareTo(maxTtl) > 0) {
            err.println("--ttl " + ttl + " is longer than " + MAX_TTL + " (" + maxTtl + "): ask for a shorter token, "
                        + "or raise the ceiling with the environment variable ACCOUNT_SECURITY_TOKEN_MAX_TTL (or "
                        + "-D" + MAX_TTL + "=...). A token cannot be revoked before it expires.");
            return 2;
        }
        String dataDir = options.getOrDefault("data-dir",
                                              System.getenv().getOrDefault("ACCOUNT_DATA_DIR", "data"));
        Path keyFile = Path.of(options.getOrDefault("signing-key-file",
                                                    TokenSettings.defaultKeyFile(Path.of(dataDir)).toString()));
        String issuer = options.getOrDefault("issuer", TokenSettings.DEFAULT_ISSUER);
        String audience = options.getOrDefault("audience", System.getenv("ACCOUNT_SECURITY_AUDIENCE"));
        if (audience != null && audience.isBlank()) {
            audience = null;
        }
        List<String> scopeList = Arrays.stream(scopes.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
        out.println(LocalTokens.loadOrCreate(keyFile, issuer, audience).mint(subject, scopeList, ttl));
        return 0;
    }

    private static Duration maxTtl() {
        String configured = System.getProperty(MAX_TTL, System.getenv("ACCOUNT_SECURITY_TOKEN_MAX_TTL"));
        return configured == null || configured.isBlank() ? TokenSettings.DEFAULT_MAX_TTL
                                                          : Duration.parse(configured.strip());
    }

    private static int usage(PrintStream err) {
        err.println("usage: java -jar account-service.jar token --subject <sub> --scopes <scope,scope,...> "
                    + "[--ttl PT1H] [--data-dir ./data] [--audience <aud>]");
        err.println("scopes: " + String.join(", ", Scopes.READ, Scopes.WRITE, Scopes.DELETE, Scopes.ADMIN,
                                             Scopes.APPROVE, Scopes.ANALYTICS, Scopes.LEGAL, Scopes.EXPORT));
        return 2;
    }
}
