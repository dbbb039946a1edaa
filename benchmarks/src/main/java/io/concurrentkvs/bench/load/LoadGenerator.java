package io.concurrentkvs.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cross-process load generator: starts a Concurrent-KVS server JVM and client JVMs, then the same
 * clients against Redis (through Lettuce, on a server {@code run.sh} started) and against Chronicle Map
 * (one JVM creates and fills the map file, others read it), and prints one table with all three side by
 * side, the ratios, and the targets (issue 11, SPEC section 5) with a verdict each.
 *
 * <p>The main KVS rows run with the library's default settings unless an option overrides them (see
 * {@link Settings}). Only one system is up at a time: on a 2-core machine a busy-spinning KVS worker left
 * running would steal a core from Redis. Also measured for KVS ("extras"): sync get with a busy-spin
 * server (the option for the lowest one-at-a-time latency), heap bytes per stored entry, and the CPU of
 * an idle default server plus an idle client.
 *
 * <p>Run: {@code java -cp kvs-benchmarks.jar io.concurrentkvs.bench.load.LoadGenerator [--quick] ...}
 * (see {@link Settings#usage()}); {@code benchmarks/run.sh} does it all.
 */
public final class LoadGenerator {
    /** The extra row: sync get, as the main row, but against a busy-spinning server. */
    static final String BUSY_SYNC_GET = "sync get, busy-spin server (extra)";

    private static final List<String> COMMON_JVM = List.of(
            "-Xms1g",
            "-Xmx1g",
            "-XX:+UseG1GC",
            "-Dchronicle.analytics.disable=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    /**
     * Chronicle Map reaches into JDK internals on Java 17+; only its own JVMs (the comparison baseline) get
     * these flags, which are the list Chronicle documents. Concurrent-KVS's JVMs need none. The {@code
     * sun.misc} export is a no-op kept to match that list: {@code jdk.unsupported} exports it to everyone.
     */
    private static final List<String> CHRONICLE_JVM = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED");

    private final Settings settings;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Report.IdleCpu idleCpu;
    private int childCounter;

    private LoadGenerator(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        Files.createDirectories(settings.workDir);
        if (settings.jfrDir != null) {
            Files.createDirectories(settings.jfrDir);
        }
        System.out.println("== Concurrent-KVS load generator ==");
        System.out.print(Environment.describe(COMMON_JVM));
        System.out.println("settings: " + settings);
        System.out.println(settings.kvsDescription());
        System.out.println("logs:     " + settings.workDir.toAbsolutePath());
        System.out.println();
        long start = System.nanoTime();
        new LoadGenerator(settings).runAll();
        System.out.printf(
                Locale.ROOT,
                "total time %d s, load average at the end %s%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                Environment.loadAverage());
        System.exit(0);
    }

    private void runAll() throws Exception {
        if (settings.systems.contains("kvs")) {
            runKvs();
        }
        if (settings.systems.contains("redis") || settings.systems.contains(ChildMain.KVS_REDIS)) {
            if (settings.redisPort > 0) {
                runRedis();
            } else {
                notes.add("redis skipped: no --redis-port (run.sh starts one)");
            }
        }
        if (settings.systems.contains("chronicle")) {
            runChronicle();
        }
        if (settings.systems.contains("harness")) {
            runScenarios("harness", "-", null);
        }
        if (settings.systems.contains("kvs") && settings.extras) {
            runKvsExtras();
        }
        Report report = new Report(rows, idleCpu, settings);
        System.out.println();
        System.out.println("== Results (latency in microseconds; ops/s summed over the client processes) ==");
        System.out.print(report.table());
        System.out.println();
        System.out.println("== Ratios ==");
        System.out.print(report.ratios());
        System.out.println();
        System.out.print(report.targets());
        for (String note : notes) {
            System.out.println("note: " + note);
        }
    }

    private List<String> jvm(String system, String label) {
        List<String> args = new ArrayList<>(COMMON_JVM);
        if (system.equals("chronicle")) {
            args.addAll(CHRONICLE_JVM);
        }
        if (system.equals("kvs") && !settings.poller.isEmpty()) {
            args.add("-D" + KvsStoreClient.POLLER_PROPERTY + "=" + settings.poller);
        }
        if (settings.jfrDir != null && system.equals("kvs")) {
            args.add("-XX:StartFlightRecording=filename="
                    + settings.jfrDir.resolve(label + ".jfr").toAbsolutePath() + ",settings=profile,dumponexit=true");
        }
        return args;
    }

    private Child start(String system, String role, List<String> args) {
        return start(system, role, role, args);
    }

    /** Starts a child in {@code role}; {@code tag} only names its log (and JFR) file. */
    private Child start(String system, String role, String tag, List<String> args) {
        String label = String.format(Locale.ROOT, "%02d-%s-%s", ++childCounter, system, tag);
        List<String> all = new ArrayList<>();
        all.add(role);
        all.addAll(args);
        return Child.start(label, jvm(system, label), all, settings.workDir);
    }

    private void runKvs() {
        String name = "kvs-bench-" + ProcessHandle.current().pid();
        try (Child server = start("kvs", "server", List.of(name, settings.serverIdle, settings.workersArgument()))) {
            server.expect("READY", 60);
            progress("kvs server up (" + settings.serverIdle + " worker x" + settings.effectiveWorkers() + "), loading "
                    + settings.loadedKeys() + " keys");
            load("kvs", name, "var", settings.loadedKeys());
            runScenarios("kvs", name, server);
        }
    }

    private void runRedis() {
        String port = Integer.toString(settings.redisPort);
        progress("redis at 127.0.0.1:" + port + ", loading " + settings.loadedKeys() + " keys");
        load("redis", port, "var", settings.loadedKeys());
        boolean both = settings.systems.contains("redis") && settings.systems.contains(ChildMain.KVS_REDIS);
        if (both && settings.redisRounds > 1) {
            runRedisRounds(port);
            return;
        }
        if (settings.systems.contains("redis")) {
            runScenarios("redis", port, null);
        }
        if (settings.systems.contains(ChildMain.KVS_REDIS)) {
            // The same server and data, through KvsConnection.connect("redis://..."): the adapter's cost.
            progress("kvs API over redis at 127.0.0.1:" + port);
            runScenarios(ChildMain.KVS_REDIS, port, null);
        }
    }

    /**
     * Raw Lettuce and the kvs API over it, interleaved scenario by scenario for {@code --redis-rounds}
     * rounds (alternating which goes first) and the best round of each kept: on a shared machine other
     * load only ever slows a round down, so the best is the one least disturbed. The mix is left out.
     */
    private void runRedisRounds(String port) {
        int first = rows.size();
        for (int round = 0; round < settings.redisRounds; round++) {
            for (Scenario s : singleClientScenarios()) {
                List<String> order =
                        round % 2 == 0 ? List.of("redis", ChildMain.KVS_REDIS) : List.of(ChildMain.KVS_REDIS, "redis");
                for (String system : order) {
                    measure(s.title, system, port, s, "var", settings.keySpace, 1, inFlightOf(s), null);
                }
            }
        }
        Map<String, Row> best = new LinkedHashMap<>();
        for (Row r : rows.subList(first, rows.size())) {
            best.merge(
                    r.system() + "\n" + r.scenario(),
                    r,
                    (a, b) -> a.result().opsPerSecond() >= b.result().opsPerSecond() ? a : b);
        }
        rows.subList(first, rows.size()).clear();
        for (String system : List.of("redis", ChildMain.KVS_REDIS)) {
            for (Row r : best.values()) {
                if (r.system().equals(system)) {
                    rows.add(r);
                }
            }
        }
        notes.add("redis and kvs-redis rows: best of " + settings.redisRounds
                + " interleaved rounds each (no mix rows in this mode)");
    }

    private List<Scenario> singleClientScenarios() {
        List<Scenario> out = new ArrayList<>();
        for (Scenario s : List.of(
                Scenario.SYNC_GET,
                Scenario.SYNC_SET,
                Scenario.ASYNC_GET,
                Scenario.ASYNC_GET_256,
                Scenario.SET_ALL,
                Scenario.GET_ALL)) {
            if (settings.scenarios.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private int inFlightOf(Scenario s) {
        return s.fixedInFlight > 0 ? s.fixedInFlight : s == Scenario.ASYNC_GET ? settings.inFlight : settings.window;
    }

    private void runChronicle() throws IOException {
        Path file = settings.workDir
                .resolve("chronicle-" + ProcessHandle.current().pid() + ".dat")
                .toAbsolutePath();
        Files.deleteIfExists(file);
        try (Child owner = start(
                "chronicle",
                "chronicle-owner",
                List.of(file.toString(), Integer.toString(settings.loadedKeys()), "var"))) {
            progress("chronicle map " + file + " filled by its owner process: " + owner.expect("READY", 300)
                    + " entries");
            runScenarios("chronicle", file.toString(), null);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void runScenarios(String system, String target, Child server) {
        for (Scenario s : List.of(
                Scenario.SYNC_GET,
                Scenario.SYNC_SET,
                Scenario.ASYNC_GET,
                Scenario.ASYNC_GET_256,
                Scenario.SET_ALL,
                Scenario.GET_ALL)) {
            if (!settings.scenarios.contains(s)) {
                continue;
            }
            if (system.equals("chronicle") && !(s == Scenario.SYNC_GET || s == Scenario.SYNC_SET)) {
                continue; // nothing to pipeline or stream: the table shows it absent
            }
            if (system.equals("harness") && !(s == Scenario.SYNC_GET || s == Scenario.ASYNC_GET)) {
                continue; // the harness's own cost matters only where a system is measured per request
            }
            int inFlight = s.fixedInFlight > 0
                    ? s.fixedInFlight
                    : s == Scenario.ASYNC_GET ? settings.inFlight : settings.window;
            measure(s.title, system, target, s, "var", settings.keySpace, 1, inFlight, server);
        }
        if (!settings.scenarios.contains(Scenario.MIX) || system.equals("harness")) {
            return;
        }
        for (int keys : settings.largeKeySpace > 0
                ? List.of(settings.keySpace, settings.largeKeySpace)
                : List.of(settings.keySpace)) {
            for (int processes : settings.clientCounts) {
                measure(
                        Scenario.mixTitle(keys, processes),
                        system,
                        target,
                        Scenario.MIX,
                        "var",
                        keys,
                        processes,
                        settings.mixInFlight,
                        server);
            }
        }
    }

    private void load(String system, String target, String style, int keys) {
        try (Child loader = start(system, "load", List.of(system, target, style, Integer.toString(keys), "512"))) {
            progress("  loaded in " + loader.expect("DONE", 600) + " ms");
        }
    }

    /** The KVS server process's allocated bytes and CPU nanoseconds so far. */
    private static long[] serverCounters(Child server) {
        String[] f = server.expectAfter("alloc", "ALLOC").trim().split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    /** Runs one scenario in {@code processes} client JVMs at once and adds its row. */
    private Row measure(
            String title,
            String system,
            String target,
            Scenario scenario,
            String style,
            int keys,
            int processes,
            int inFlight,
            Child server) {
        progress(String.format(Locale.ROOT, "%-9s %s", system, title));
        List<Child> clients = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                clients.add(start(
                        system,
                        "client",
                        "client-" + scenario.id(),
                        List.of(
                                system,
                                target,
                                scenario.id(),
                                style,
                                Integer.toString(keys),
                                Integer.toString(inFlight),
                                Long.toString(settings.warmupMs),
                                Long.toString(settings.measureMs),
                                Long.toString(1000L * childCounter + i))));
            }
            for (Child c : clients) {
                c.expect("READY", 120 + settings.warmupMs / 1000);
            }
            long[] serverBefore = server == null ? null : serverCounters(server);
            for (Child c : clients) {
                c.send("GO");
            }
            List<Measurement> parts = new ArrayList<>();
            for (Child c : clients) {
                parts.add(Measurement.decode(c.expect("RESULT", 120 + settings.measureMs / 1000)));
            }
            double serverBytesPerOp = Double.NaN;
            double serverCpuPerOp = Double.NaN;
            Measurement.Aggregate agg = Measurement.aggregate(parts);
            if (server != null && agg.ops() > 0) {
                long[] after = serverCounters(server);
                serverBytesPerOp = (double) (after[0] - serverBefore[0]) / agg.ops();
                serverCpuPerOp = (double) (after[1] - serverBefore[1]) / agg.ops();
            }
            Row row = new Row(title, system, agg, serverBytesPerOp, serverCpuPerOp);
            rows.add(row);
            return row;
        } catch (RuntimeException e) {
            notes.add(system + " / " + title + " failed: " + e.getMessage());
            progress("  FAILED: " + e.getMessage());
            return null;
        } finally {
            for (Child c : clients) {
                c.close();
            }
        }
    }

    /**
     * The extras: sync get against a busy-spinning server (target 2) over the main rows' keys; then, on a
     * server with the default (balanced) idle strategy, heap per entry (used heap after GC, before and
     * after 1M entries of an 8-byte key and 100-byte value) and the idle CPU of that server with one idle
     * client (target 7). One server at a time, so the busy one is gone before idle CPU is measured.
     */
    private void runKvsExtras() throws InterruptedException {
        if (settings.scenarios.contains(Scenario.SYNC_GET)) {
            String busyName = "kvs-bench-busy-" + ProcessHandle.current().pid();
            try (Child server = start(
                    "kvs",
                    "server",
                    "server-busy",
                    List.of(busyName, Settings.BUSY_SERVER_IDLE, settings.workersArgument()))) {
                server.expect("READY", 60);
                progress("kvs server up (" + Settings.BUSY_SERVER_IDLE + " worker x" + settings.effectiveWorkers()
                        + "), loading " + settings.keySpace + " keys");
                load("kvs", busyName, "var", settings.keySpace);
                measure(BUSY_SYNC_GET, "kvs", busyName, Scenario.SYNC_GET, "var", settings.keySpace, 1, 1, server);
            }
        }
        String name = "kvs-bench-balanced-" + ProcessHandle.current().pid();
        int entries = 1_000_000;
        try (Child server = start(
                "kvs",
                "server",
                "server-balanced",
                List.of(name, Settings.LIBRARY_SERVER_IDLE, settings.workersArgument()))) {
            server.expect("READY", 60);
            String[] before = server.expectAfter("heap", "HEAP").split(" ");
            load("kvs", name, "fixed8", entries);
            String[] after = server.expectAfter("heap", "HEAP").split(" ");
            long stored = Long.parseLong(after[1]);
            double perEntry = (double) (Long.parseLong(after[0]) - Long.parseLong(before[0])) / stored;
            progress(String.format(
                    Locale.ROOT,
                    "heap per entry: %.1f bytes (%d entries of 8 B key + 100 B value; raw 108 B, %.2fx)",
                    perEntry,
                    stored,
                    perEntry / 108));
            notes.add(String.format(
                    Locale.ROOT,
                    "heap per stored entry (8 B key, 100 B value, %d entries): %.1f bytes = %.2fx raw",
                    stored,
                    perEntry,
                    perEntry / 108));
            idleCpu = idleCpu(server, name);
        }
    }

    private Report.IdleCpu idleCpu(Child server, String name) throws InterruptedException {
        try (Child idle = start("kvs", "idle", "idle-client", List.of(name))) {
            idle.expect("READY", 60);
            Thread.sleep(3_000); // let both reach their park phase and the JIT settle
            double s0 = ProcCpu.cpuSeconds(server.pid());
            double c0 = ProcCpu.cpuSeconds(idle.pid());
            long t0 = System.nanoTime();
            Thread.sleep(10_000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double serverPct = 100 * (ProcCpu.cpuSeconds(server.pid()) - s0) / seconds;
            double clientPct = 100 * (ProcCpu.cpuSeconds(idle.pid()) - c0) / seconds;
            Report.IdleCpu result = new Report.IdleCpu(Settings.LIBRARY_SERVER_IDLE, seconds, serverPct, clientPct);
            progress("idle CPU: " + result);
            return result;
        }
    }

    private static void progress(String line) {
        System.out.println("[" + String.format(Locale.ROOT, "%tT", System.currentTimeMillis()) + "] " + line);
    }
}
