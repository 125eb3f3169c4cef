package io.accountlifecycle.benchmarks;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with defaults. */
final class Args {

    private final Map<String, String> values = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        return Integer.parseInt(get(name, Integer.toString(fallback)));
    }
}
