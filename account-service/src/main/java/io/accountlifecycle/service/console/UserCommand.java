package io.accountlifecycle.service.console;

import io.accountlifecycle.service.security.Scopes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar account-service.jar user add alice --scopes accounts:read,accounts:admin --password-stdin}, {@code
 * user remove alice}, {@code user list}: the people of the embedded default's local issuer, who sign in to the console.
 * Like {@code token}, it starts neither the database nor the broker: run it in the service's working folder, or pass
 * {@code --data-dir} (or set {@code ACCOUNT_DATA_DIR}). The password is read from the first line of standard input,
 * never from the command line (where {@code ps} and the shell's history would show it), and stored hashed.
 */
public final class UserCommand {

    private static final Set<String> OPTIONS = Set.of("scopes", "data-dir", "account.data-dir", "users-file");
    private static final Set<String> FLAGS = Set.of("password-stdin");

    private UserCommand() {
    }

    public static boolean handles(String[] args) {
        return args.length > 0 && args[0].equals("user");
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length < 2) {
            return usage(err);
        }
        String action = args[1];
        String name = null;
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--") && arg.contains("=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (arg.startsWith("--") && FLAGS.contains(arg.substring(2))) {
                options.put(arg.substring(2), "true");
            } else if (arg.startsWith("--") && i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else if (!arg.startsWith("--") && name == null) {
                name = arg;
            } else {
                err.println("Unexpected argument: " + arg);
                return usage(err);
            }
        }
        for (String option : options.keySet()) {
            if (!OPTIONS.contains(option) && !FLAGS.contains(option)) {
                err.println("Unknown option --" + option);
                return usage(err);
            }
        }
        String dataDir = options.getOrDefault("data-dir", options.getOrDefault(
                "account.data-dir", System.getenv().getOrDefault("ACCOUNT_DATA_DIR", "data")));
        ConsoleUsers users = new ConsoleUsers(Path.of(options.getOrDefault(
                "users-file", ConsoleUsers.defaultFile(Path.of(dataDir)).toString())));
        switch (action) {
            case "list" -> {
                users.all().forEach((user, entry) -> out.println(user + "\t" + String.join(",", entry.scopes())));
                return 0;
            }
            case "remove" -> {
                if (name == null) {
                    return usage(err);
                }
                if (!users.remove(name)) {
                    err.println("No user " + name);
                    return 1;
                }
                out.println("Removed " + name + " (a session already open lasts until it expires or signs out)");
                return 0;
            }
            case "add" -> {
                return add(users, name, options, in, out, err);
            }
            default -> {
                err.println("Unknown action " + action);
                return usage(err);
            }
        }
    }

    private static int add(ConsoleUsers users, String name, Map<String, String> options, InputStream in,
                           PrintStream out, PrintStream err) {
        String scopes = options.get("scopes");
        if (name == null || scopes == null) {
            return usage(err);
        }
        if (!options.containsKey("password-stdin")) {
            err.println("Give the password on standard input with --password-stdin (never on the command line)");
            return 2;
        }
        List<String> scopeList = Arrays.stream(scopes.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
        for (String scope : scopeList) {
            if (!Scopes.ALL.contains(scope)) {
                err.println("Unknown scope " + scope + "; scopes: " + String.join(", ", Scopes.ALL));
                return 2;
            }
        }
        String password;
        try {
            password = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            err.println("Cannot read the password from standard input: " + e.getMessage());
            return 2;
        }
        if (password == null) {
            err.println("No password on standard input");
            return 2;
        }
        try {
            users.put(name, password, scopeList);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        out.println("User " + name + " can sign in to the console with " + String.join(", ", scopeList));
        return 0;
    }

    private static int usage(PrintStream err) {
        err.println("usage: java -jar account-service.jar user add <name> --scopes <scope,scope,...> --password-stdin "
                    + "[--data-dir ./data]");
        err.println("       java -jar account-service.jar user remove <name> [--data-dir ./data]");
        err.println("       java -jar account-service.jar user list [--data-dir ./data]");
        err.println("scopes: " + String.join(", ", Scopes.ALL));
        return 2;
    }
}
