package io.concurrentkvs.bench.load;

import io.concurrentkvs.core.FsyncPolicy;
import io.concurrentkvs.core.KvsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What persistence costs (SPEC 7.2, issue 13): set throughput of Concurrent-KVS with no persistence and
 * with each {@link FsyncPolicy}, beside Redis with no persistence, {@code appendfsync everysec} and
 * {@code appendfsync always}, and this disk's fsync latency ({@link FsyncProbe}) measured where the
 * persistence directories live, all in one run.
 *
 * <p>Per system: a KVS server JVM (persistence in a fresh directory under the work directory, deleted
 * afterwards) or a Redis that {@code run.sh} started, {@code --keys} keys loaded, then each scenario in a
 * fresh client JVM: "sync set, 1 at a time" (the latency of a lone writer, which under {@code ALWAYS}
 * waits for its own fsync) and "reactive setAll" with {@code --window} requests in flight (throughput:
 * under {@code ALWAYS} concurrent writes share one fsync, so its ceiling is {@code window / fsync
 * latency}). One system at a time, as in {@link LoadGenerator}. The report prints each row, then the
 * issue's two targets: {@code EVERY_SECOND} within 10% of no persistence, and {@code ALWAYS} beside its
 * group-commit ceiling.
 *
 * <p>Run: {@code benchmarks/run.sh --persistence [--quick] [options]} (starts the three Redis servers), or
 * {@code java -cp kvs-benchmarks.jar io.concurrentkvs.bench.load.PersistenceBenchmark [--quick]
 * [--warmup-ms N] [--measure-ms N] [--keys N] [--window N] [--probe-count N] [--redis-port P]
 * [--redis-everysec-port P] [--redis-always-port P] [--work-dir DIR]}.
 */
public final class PersistenceBenchmark {
    private static final List<String> JVM =
            List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    private static final String NONE = "none";

    private long warmupMs = 2_000;
    private long measureMs = 5_000;
    private int keys = 100_000;
    private int window = 256;
    private int probeCount = 1_000;
    private int rounds = 2;
    private int redisPort;
    private int redisEverysecPort;
    private int redisAlwaysPort;
    private boolean quick;
    private Path workDir = Path.of("benchmarks/target/persist-run");
    private int childCounter;
    /** Measurements by system label, then by scenario, one per round. */
    private final Map<String, Map<Scenario, List<Measurement.Aggregate>>> rows = new LinkedHashMap<>();

    private final List<String> notes = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        PersistenceBenchmark b = new PersistenceBenchmark();
        b.parse(args);
        Files.createDirectories(b.workDir);
        System.out.println("== Concurrent-KVS: the cost of persistence (issue 13) ==");
        System.out.print(Environment.describe(JVM));
        System.out.println("settings: " + b.settings());
        System.out.println("logs:     " + b.workDir.toAbsolutePath());
        System.out.println();
        long start = System.nanoTime();
        b.run();
        System.out.printf(
                Locale.ROOT,
                "total time %d s, load average at the end %s%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                Environment.loadAverage());
        System.exit(0);
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> {
                    quick = true;
                    warmupMs = 1_000;
                    measureMs = 2_000;
                    keys = 20_000;
                    probeCount = 300;
                    rounds = 1;
                }
                case "--warmup-ms" -> warmupMs = Long.parseLong(args[++i]);
                case "--measure-ms" -> measureMs = Long.parseLong(args[++i]);
                case "--keys" -> keys = Integer.parseInt(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--probe-count" -> probeCount = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--redis-port" -> redisPort = Integer.parseInt(args[++i]);
                case "--redis-everysec-port" -> redisEverysecPort = Integer.parseInt(args[++i]);
                case "--redis-always-port" -> redisAlwaysPort = Integer.parseInt(args[++i]);
                case "--work-dir" -> workDir = Path.of(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i] + "; options: --quick "
                            + "--warmup-ms N --measure-ms N --keys N --window N --probe-count N --rounds N --redis-port P "
                            + "--redis-everysec-port P --redis-always-port P --work-dir DIR");
            }
        }
    }

    private String settings() {
        return "mode=" + (quick ? "quick" : "full") + " warmup=" + warmupMs + "ms measure=" + measureMs + "ms keys="
                + keys + " (8-16 B) value=" + Keys.VALUE_BYTES + "B window(setAll)=" + window + " rounds=" + rounds
                + " (each row: the round with the median throughput) probe=" + probeCount
                + " x 4 KiB\nkvs server: library defaults (workers=" + KvsServer.DEFAULT_WORKERS + ", balanced idle),"
                + " persistence in a fresh directory under the work directory; clients: ConnectionOptions.defaults()"
                + "\nredis: no persistence " + port(redisPort) + ", appendonly yes appendfsync everysec "
                + port(redisEverysecPort) + ", appendonly yes appendfsync always " + port(redisAlwaysPort)
                + " (each with its own directory, save '')";
    }

    private static String port(int p) {
        return p > 0 ? "127.0.0.1:" + p : "(off)";
    }

    private void run() throws IOException {
        Files.createDirectories(workDir);
        progress("fsync probe in " + workDir.toAbsolutePath() + " (" + Files.getFileStore(workDir) + ")");
        FsyncProbe.Result datasync = FsyncProbe.measure(workDir, probeCount, false);
        FsyncProbe.Result fsync = FsyncProbe.measure(workDir, probeCount, true);
        progress("  " + datasync);
        progress("  " + fsync);

        // Every system once per round, so drift on this shared machine falls on all of them alike.
        for (int round = 1; round <= rounds; round++) {
            progress("round " + round + " of " + rounds);
            runKvs("kvs, no persistence", null);
            for (FsyncPolicy policy : List.of(FsyncPolicy.NEVER, FsyncPolicy.EVERY_SECOND, FsyncPolicy.ALWAYS)) {
                runKvs("kvs, " + policy, policy);
            }
            runRedis("redis, no persistence", redisPort);
            runRedis("redis, appendfsync everysec", redisEverysecPort);
            runRedis("redis, appendfsync always", redisAlwaysPort);
        }

        System.out.println();
        System.out.println("== Results (set throughput, ops/s; latency in microseconds) ==");
        System.out.print(table());
        System.out.println();
        System.out.println("== fsync latency of this disk (" + workDir.toAbsolutePath() + ") ==");
        System.out.println(datasync);
        System.out.println(fsync);
        System.out.println();
        System.out.print(targets(datasync));
        notes.forEach(n -> System.out.println("note: " + n));
    }

    private void runKvs(String label, FsyncPolicy policy) throws IOException {
        String name = "kvs-bench-persist-" + ProcessHandle.current().pid() + "-"
                + (policy == null ? NONE : policy.name().toLowerCase(Locale.ROOT));
        Path data = workDir.resolve(
                        "data-" + (policy == null ? NONE : policy.name().toLowerCase(Locale.ROOT)))
                .toAbsolutePath();
        deleteTree(data);
        List<String> args = new ArrayList<>(List.of(name, "balanced", "default"));
        if (policy != null) {
            Files.createDirectories(data);
            args.add("--persistence=" + data);
            args.add("--fsync=" + policy.name());
        }
        try (Child server = start("kvs", "server", args)) {
            server.expect("READY", 60);
            progress(label + ": server up, loading " + keys + " keys");
            load("kvs", name);
            measureAll(label, "kvs", name);
            if (policy != null) {
                notes.add(String.format(
                        Locale.ROOT,
                        "%s: persistence directory held %.1f MiB at the end",
                        label,
                        treeSize(data) / 1048576.0));
            }
        } finally {
            try {
                KvsServer.destroy(name); // the server destroys it on an orderly exit; this covers a crash
            } catch (RuntimeException e) {
                notes.add("cannot destroy " + name + ": " + e);
            }
            deleteTree(data);
        }
    }

    private void runRedis(String label, int port) {
        if (port <= 0) {
            notes.add(label + " skipped: no port given (run.sh --persistence starts it)");
            return;
        }
        progress(label + " at 127.0.0.1:" + port + ", loading " + keys + " keys");
        load("redis", Integer.toString(port));
        measureAll(label, "redis", Integer.toString(port));
    }

    private void load(String system, String target) {
        try (Child loader = start(system, "load", List.of(system, target, "var", Integer.toString(keys), "512"))) {
            progress("  loaded in " + loader.expect("DONE", 600) + " ms");
        }
    }

    private void measureAll(String label, String system, String target) {
        for (Scenario s : List.of(Scenario.SYNC_SET, Scenario.SET_ALL)) {
            int inFlight = s == Scenario.SYNC_SET ? 1 : window;
            progress(String.format(Locale.ROOT, "  %s", s.title));
            try (Child client = start(
                    system,
                    "client",
                    List.of(
                            system,
                            target,
                            s.id(),
                            "var",
                            Integer.toString(keys),
                            Integer.toString(inFlight),
                            Long.toString(warmupMs),
                            Long.toString(measureMs),
                            Long.toString(1000L * childCounter)))) {
                client.expect("READY", 120 + warmupMs / 1000);
                client.send("GO");
                Measurement m = Measurement.decode(client.expect("RESULT", 120 + measureMs / 1000));
                Measurement.Aggregate agg = Measurement.aggregate(List.of(m));
                rows.computeIfAbsent(label, k -> new LinkedHashMap<>())
                        .computeIfAbsent(s, k -> new ArrayList<>())
                        .add(agg);
                progress(String.format(
                        Locale.ROOT,
                        "    %,.0f ops/s%s",
                        agg.opsPerSecond(),
                        agg.errors() > 0 ? ", " + agg.errors() + " errors" : ""));
            } catch (RuntimeException e) {
                notes.add(label + " / " + s.title + " failed: " + e.getMessage());
                progress("    FAILED: " + e.getMessage());
            }
        }
    }

    private String table() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "%-30s %16s %10s %10s %18s   %s%n",
                "system",
                "sync set ops/s",
                "p50 us",
                "p99 us",
                "setAll ops/s",
                "every round (sync set / setAll)"));
        rows.forEach((label, bySystem) -> {
            Measurement.Aggregate sync = median(label, Scenario.SYNC_SET);
            Measurement.Aggregate all = median(label, Scenario.SET_ALL);
            sb.append(String.format(
                    Locale.ROOT,
                    "%-30s %16s %10s %10s %18s   %s / %s%n",
                    label,
                    rate(sync),
                    sync == null ? "-" : micros(sync.latency().getValueAtPercentile(50)),
                    sync == null ? "-" : micros(sync.latency().getValueAtPercentile(99)),
                    rate(all),
                    everyRound(bySystem.get(Scenario.SYNC_SET)),
                    everyRound(bySystem.get(Scenario.SET_ALL))));
        });
        return sb.toString();
    }

    /** The round with the median throughput (the lower middle one of an even count); null if none ran. */
    private Measurement.Aggregate median(String label, Scenario s) {
        List<Measurement.Aggregate> all = rows.getOrDefault(label, Map.of()).get(s);
        if (all == null || all.isEmpty()) {
            return null;
        }
        List<Measurement.Aggregate> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingDouble(Measurement.Aggregate::opsPerSecond));
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static String everyRound(List<Measurement.Aggregate> all) {
        if (all == null) {
            return "-";
        }
        return all.stream().map(PersistenceBenchmark::rate).toList().toString();
    }

    private static String rate(Measurement.Aggregate a) {
        if (a == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,.0f", a.opsPerSecond())
                + (a.errors() > 0 ? " (" + a.errors() + " err)" : "");
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e3);
    }

    /** The targets, each with its numbers and a verdict. */
    private String targets(FsyncProbe.Result datasync) {
        StringBuilder sb = new StringBuilder("== Targets (issue 13) ==\n");
        double none = rate("kvs, no persistence", Scenario.SET_ALL);
        double everySecond = rate("kvs, " + FsyncPolicy.EVERY_SECOND, Scenario.SET_ALL);
        double always = rate("kvs, " + FsyncPolicy.ALWAYS, Scenario.SET_ALL);
        double alwaysSync = rate("kvs, " + FsyncPolicy.ALWAYS, Scenario.SYNC_SET);
        if (none > 0 && everySecond > 0) {
            double cost = 1 - everySecond / none;
            sb.append(String.format(
                    Locale.ROOT,
                    "EVERY_SECOND setAll within 10%% of no persistence: %,.0f vs %,.0f ops/s," + " cost %.1f%% -> %s%n",
                    everySecond,
                    none,
                    100 * cost,
                    cost <= 0.10 ? "MET" : "MISSED"));
        }
        double fsyncSeconds = datasync.latency().getValueAtPercentile(50) / 1e9;
        if (always > 0 && fsyncSeconds > 0) {
            double ceiling = window / fsyncSeconds;
            double bounded = none > 0 ? Math.min(ceiling, none) : ceiling;
            sb.append(String.format(
                    Locale.ROOT,
                    "ALWAYS setAll (window %d): %,.0f ops/s; group-commit ceiling"
                            + " window / fdatasync p50 = %d / %.0f us = %,.0f ops/s%s -> %.0f%% of the ceiling%n",
                    window,
                    always,
                    window,
                    fsyncSeconds * 1e6,
                    ceiling,
                    none > 0 && none < ceiling
                            ? String.format(Locale.ROOT, ", capped by no persistence at %,.0f", none)
                            : "",
                    100 * always / bounded));
        }
        if (alwaysSync > 0 && fsyncSeconds > 0) {
            sb.append(String.format(
                    Locale.ROOT,
                    "ALWAYS sync set (one writer): %,.0f ops/s; 1 / fdatasync p50 = %,.0f" + " ops/s%n",
                    alwaysSync,
                    1 / fsyncSeconds));
        }
        compare(sb, "kvs, " + FsyncPolicy.EVERY_SECOND, "redis, appendfsync everysec");
        compare(sb, "kvs, " + FsyncPolicy.ALWAYS, "redis, appendfsync always");
        compare(sb, "kvs, no persistence", "redis, no persistence");
        return sb.toString();
    }

    private void compare(StringBuilder sb, String kvs, String redis) {
        for (Scenario s : List.of(Scenario.SYNC_SET, Scenario.SET_ALL)) {
            double a = rate(kvs, s);
            double b = rate(redis, s);
            if (a > 0 && b > 0) {
                sb.append(String.format(Locale.ROOT, "%s vs %s, %s: %.2fx%n", kvs, redis, s.title, a / b));
            }
        }
    }

    private double rate(String label, Scenario s) {
        Measurement.Aggregate a = median(label, s);
        return a == null || a.errors() > 0 ? 0 : a.opsPerSecond();
    }

    private Child start(String system, String role, List<String> args) {
        String label = String.format(Locale.ROOT, "%02d-%s-%s", ++childCounter, system, role);
        List<String> all = new ArrayList<>();
        all.add(role);
        all.addAll(args);
        return Child.start(label, JVM, all, workDir);
    }

    private static long treeSize(Path dir) throws IOException {
        long[] total = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                total[0] += attributes.size();
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void progress(String line) {
        System.out.println("[" + String.format(Locale.ROOT, "%tT", System.currentTimeMillis()) + "] " + line);
    }
}
