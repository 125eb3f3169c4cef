package io.accountlifecycle.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU of an idle service: the user + system time of the JVM {@code --pid} over {@code --seconds} (60), from
 * {@code /proc/<pid>/stat}, as % of one core, with its three busiest threads (what keeps it awake); and, for
 * information, that of its PostgreSQL ({@code --postmaster} and its children: the service's polling costs CPU there
 * too). Linux only; {@code --hz} is the kernel's clock tick ({@code getconf CLK_TCK}, 100). Start it once the load has
 * drained (ServiceLag --mode drain).
 */
public final class IdleCpu {

    private IdleCpu() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        long pid = Long.parseLong(args.get("pid", "0"));
        long postmaster = Long.parseLong(args.get("postmaster", "0"));
        int seconds = args.getInt("seconds", 60);
        double hz = args.getInt("hz", 100);

        Map<String, Long> threadsBefore = threads(pid);
        Map<Long, Long> postgresBefore = postmaster > 0 ? postgres(postmaster) : Map.of();
        long before = ticks(Path.of("/proc", Long.toString(pid), "stat"));
        long started = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long used = ticks(Path.of("/proc", Long.toString(pid), "stat")) - before;
        double elapsed = (System.nanoTime() - started) / 1e9;
        Map<String, Long> threadsAfter = threads(pid);

        String busiest = threadsAfter.entrySet().stream()
                                     .map(e -> Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(
                                             e.getKey(), 0L)))
                                     .filter(e -> e.getValue() > 0)
                                     .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
                                     .map(e -> String.format(Locale.ROOT, "%s %.2f %%", e.getKey(),
                                                             100 * e.getValue() / hz / elapsed))
                                     .collect(Collectors.joining(", "));
        System.out.printf(Locale.ROOT, "idle service JVM %d: %.2f %% of one core over %.0f s (busiest threads: %s)%n",
                          pid, 100 * used / hz / elapsed, elapsed, busiest.isEmpty() ? "none" : busiest);
        if (postmaster > 0) {
            // A backend that started during the window counts whole; one that ended is lost (rare when idle).
            long postgresUsed = postgres(postmaster).entrySet().stream()
                                                    .mapToLong(e -> e.getValue() - postgresBefore.getOrDefault(
                                                            e.getKey(), 0L))
                                                    .sum();
            System.out.printf(Locale.ROOT, "its PostgreSQL (postmaster %d and children): %.2f %% of one core%n",
                              postmaster, 100 * postgresUsed / hz / elapsed);
        }
    }

    /** utime + stime, in clock ticks, of a {@code stat} file of /proc; 0 once the process or thread is gone. */
    private static long ticks(Path stat) {
        List<String> fields = fields(stat);
        return fields.isEmpty() ? 0 : Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12));
    }

    /** The fields after the command name (whose parentheses may hold spaces): state first, so utime is index 11. */
    private static List<String> fields(Path stat) {
        try {
            String line = Files.readString(stat);
            return List.of(line.substring(line.lastIndexOf(')') + 2).split(" "));
        } catch (IOException gone) {
            return List.of();
        }
    }

    /** Ticks per thread of {@code pid}, by thread name (threads of one pool share a name: their sum). */
    private static Map<String, Long> threads(long pid) throws IOException {
        Map<String, Long> byName = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.sorted(Comparator.naturalOrder()).toList()) {
                String name;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                } catch (IOException gone) {
                    continue;
                }
                byName.merge(name, ticks(task.resolve("stat")), Long::sum);
            }
        }
        return byName;
    }

    /** Ticks per process: the postmaster and every process whose parent it is. */
    private static Map<Long, Long> postgres(long postmaster) throws IOException {
        Map<Long, Long> ticks = new HashMap<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                List<String> fields = fields(process.resolve("stat"));
                long pid = Long.parseLong(process.getFileName().toString());
                if (!fields.isEmpty() && (pid == postmaster || Long.parseLong(fields.get(1)) == postmaster)) {
                    ticks.put(pid, Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12)));
                }
            }
        }
        return ticks;
    }
}
