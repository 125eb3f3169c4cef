package io.accountlifecycle.service.security;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar account-service.jar token --subject alice --scopes accounts:read,accounts:write [--ttl PT8H]}
 * prints a token signed with the local key, and nothing else, on stdout. It starts neither the database nor the
 * broker; run it in the service's working folder (or pass {@code --data-dir}, or set {@code ACCOUNT_DATA_DIR}).
 */
public final class TokenCommand {

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
        String dataDir = options.getOrDefault("data-dir",
                                              System.getenv().getOrDefault("ACCOUNT_DATA_DIR", "data"));
        Path keyFile = Path.of(options.getOrDefault("signing-key-file",
                                                    TokenSettings.defaultKeyFile(Path.of(dataDir)).toString()));
        String issuer = options.getOrDefault("issuer", TokenSettings.DEFAULT_ISSUER);
        List<String> scopeList = Arrays.stream(scopes.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
        out.println(LocalTokens.loadOrCreate(keyFile, issuer).mint(subject, scopeList, ttl));
        return 0;
    }

    private static int usage(PrintStream err) {
        err.println("usage: java -jar account-service.jar token --subject <sub> --scopes <scope,scope,...> "
                    + "[--ttl PT1H] [--data-dir ./data]");
        err.println("scopes: " + String.join(", ", Scopes.READ, Scopes.WRITE, Scopes.DELETE, Scopes.ADMIN,
                                             Scopes.APPROVE, Scopes.ANALYTICS));
        return 2;
    }
}
