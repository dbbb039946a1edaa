package io.concurrentkvs.bench.load;

import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.internal.store.StoreFile;
import io.concurrentkvs.core.internal.store.StoreGeometry;
import io.concurrentkvs.core.internal.store.StoreLayout;
import io.concurrentkvs.core.internal.store.StoreUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The store at ten million entries (SPEC 7.1's target: a server holding 10 M entries of 8-16-byte keys and
 * 100-byte values runs with a heap under 64 MB, and its get/set cost is within 10% of the 100 k-entry case).
 *
 * <p>What it does, all in one run, one server JVM at a time being measured:
 * <ol>
 *   <li>Starts a server JVM with {@code -Xmx64m} sized for the large key space ({@link #maxDataBytes}),
 *       loads 100,000 entries, measures, loads the rest, reports its used heap after full GCs, the load
 *       time and the store's usage ({@link StoreFile#readSummary}).
 *   <li>Starts a second server with the library's default capacity and loads 100,000 entries.
 *   <li>Rounds: each scenario (sync get, sync set, pipelined get) against the 100 k server, then the
 *       10 M server, in fresh client JVMs, so drift on this shared machine hits both alike.
 *   <li>Kills the 10 M server with SIGKILL, starts a new one on the same name and reports how long it
 *       took to adopt the store, its heap afterwards, and a sync get check that every key is there.
 * </ol>
 * Clients make each key on the fly ({@link KeySource}, mode {@code generated}) in every case, so the client
 * does the same work per request whatever the key space: only the server's store differs. Every store file
 * is destroyed at the end, however the run ends (each server destroys its own on an orderly exit; the
 * orchestrator calls {@link KvsServer#destroy} for both names afterwards).
 *
 * <p>Run: {@code benchmarks/run.sh --large [options]} or {@code java -cp kvs-benchmarks.jar
 * io.concurrentkvs.bench.load.LargeStoreBenchmark [--entries N] [--small N] [--rounds N] [--warmup-ms N]
 * [--measure-ms N] [--inflight N] [--work-dir DIR]}.
 */
public final class LargeStoreBenchmark {
    private static final List<String> SERVER_JVM = List.of(
            "-Xmx64m",
            "-XX:+UseG1GC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dorg.slf4j.simpleLogger.log." + KvsServer.class.getName() + "=info");
    private static final List<String> CLIENT_JVM =
            List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    private static final List<Scenario> SCENARIOS = List.of(Scenario.SYNC_GET, Scenario.SYNC_SET, Scenario.ASYNC_GET);
    private static final Pattern ADOPTED = Pattern.compile("adopted (\\d+) entries of store \\S+ in (\\d+) ms");

    private long entries = 10_000_000;
    private int small = 100_000;
    private int rounds = 3;
    private long warmupMs = 3_000;
    private long measureMs = 6_000;
    private int inFlight = 1_000;
    private int loadInFlight = 512;
    private Path workDir = Path.of("benchmarks/target/large-run");
    private int childCounter;
    /** Results by row title, one measurement per round. */
    private final Map<String, List<Measurement>> results = new LinkedHashMap<>();

    private final List<String> facts = new ArrayList<>();
    /** Each server's READY line, split, with a placeholder where the word READY was. */
    private final Map<Child, String[]> readyLines = new HashMap<>();

    public static void main(String[] args) throws Exception {
        LargeStoreBenchmark b = new LargeStoreBenchmark();
        b.parse(args);
        Files.createDirectories(b.workDir);
        System.out.println("== Concurrent-KVS: the store at " + b.entries + " entries ==");
        System.out.print(Environment.describe(SERVER_JVM, "the server JVMs"));
        System.out.println("client jvm args: " + String.join(" ", CLIENT_JVM));
        System.out.println(b.settings());
        System.out.println("logs:     " + b.workDir.toAbsolutePath());
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
                case "--entries":
                    entries = Long.parseLong(args[++i]);
                    break;
                case "--small":
                    small = Integer.parseInt(args[++i]);
                    break;
                case "--rounds":
                    rounds = Integer.parseInt(args[++i]);
                    break;
                case "--warmup-ms":
                    warmupMs = Long.parseLong(args[++i]);
                    break;
                case "--measure-ms":
                    measureMs = Long.parseLong(args[++i]);
                    break;
                case "--inflight":
                    inFlight = Integer.parseInt(args[++i]);
                    break;
                case "--load-inflight":
                    loadInFlight = Integer.parseInt(args[++i]);
                    break;
                case "--work-dir":
                    workDir = Path.of(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i] + "; options: --entries N --small N "
                            + "--rounds N --warmup-ms N --measure-ms N --inflight N --load-inflight N --work-dir DIR");
            }
        }
        if (entries > Integer.MAX_VALUE || small > entries) {
            throw new IllegalArgumentException("need small <= entries <= 2^31-1: " + small + ", " + entries);
        }
    }

    private String settings() {
        return String.format(
                Locale.ROOT,
                "settings: entries=%,d small=%,d keys 8-16 B (var), values %d B, rounds=%d "
                        + "warmup=%d ms measure=%d ms inflight(async get)=%d load inflight=%d; servers: library defaults "
                        + "(balanced, %d worker(s), %d stripes) except maxEntries/maxDataBytes of the large one",
                entries,
                small,
                Keys.VALUE_BYTES,
                rounds,
                warmupMs,
                measureMs,
                inFlight,
                loadInFlight,
                KvsServer.DEFAULT_WORKERS,
                KvsServer.DEFAULT_STRIPES);
    }

    /**
     * A {@code maxDataBytes} that holds {@code entries} records of up to {@code largestRecord} bytes in a store
     * of {@code stripes} segments whose largest record is {@code maxRecordLength}: whole pages of the records'
     * size class, plus two pages per segment (its partly used page, and the block an overwrite takes before it
     * frees the old one) and 1% for segments that get more than their share of keys.
     */
    static long maxDataBytes(long entries, int stripes, int maxRecordLength, int largestRecord) {
        StoreGeometry probe = new StoreGeometry(stripes, Math.max(1, entries), 1L << 30, maxRecordLength);
        int sizeClass = probe.sizeClassFor(largestRecord);
        int perPage = probe.pageSize() / probe.blockSize(sizeClass);
        long pages = (entries + perPage - 1) / perPage;
        pages += pages / 100 + 2L * stripes;
        return pages * probe.pageSize();
    }

    private void run() throws Exception {
        String bigName = "kvs-bench-large-" + ProcessHandle.current().pid();
        String smallName = "kvs-bench-small-" + ProcessHandle.current().pid();
        long maxEntries = entries + entries / 20;
        int maxRecord = StoreLayout.recordLength(KvsServer.DEFAULT_MAX_KEY_BYTES, KvsServer.DEFAULT_MAX_VALUE_BYTES);
        long maxData = maxDataBytes(
                entries, KvsServer.DEFAULT_STRIPES, maxRecord, StoreLayout.recordLength(16, Keys.VALUE_BYTES));
        StoreGeometry geometry = new StoreGeometry(KvsServer.DEFAULT_STRIPES, maxEntries, maxData, maxRecord);
        System.out.printf(
                Locale.ROOT,
                "large store: maxEntries=%,d maxDataBytes=%,d (%s); file %,d bytes; a record "
                        + "of a 16-byte key is %d bytes, in blocks of %d%n",
                maxEntries,
                maxData,
                geometry,
                geometry.fileLength(),
                StoreLayout.recordLength(16, Keys.VALUE_BYTES),
                geometry.blockSize(geometry.sizeClassFor(StoreLayout.recordLength(16, Keys.VALUE_BYTES))));
        System.out.println();
        Child big = null;
        Child smallServer = null;
        try {
            big = startServer("server-large", bigName, maxEntries, maxData, 120);
            heap(big, "large server, empty");
            load(bigName, 0, small);
            heap(big, String.format(Locale.ROOT, "large server, %,d entries", small));
            for (Scenario s : SCENARIOS) {
                measure(title("large server", small, s), bigName, s, small);
            }
            long loadMs = load(bigName, small, (int) entries);
            facts.add(String.format(
                    Locale.ROOT,
                    "load of %,d more entries (pipelined async set, %d in flight, one client "
                            + "process): %,d ms = %,.0f sets/s",
                    entries - small,
                    loadInFlight,
                    loadMs,
                    (entries - small) * 1000.0 / loadMs));
            heap(big, String.format(Locale.ROOT, "large server, %,d entries", entries));
            usage(Path.of(readyField(big, 4)));

            smallServer = startServer("server-small", smallName, 0, 0, 60);
            load(smallName, 0, small);
            heap(smallServer, String.format(Locale.ROOT, "default server, %,d entries", small));
            for (int round = 1; round <= rounds; round++) {
                progress("round " + round + " of " + rounds + " (load " + Environment.loadAverage() + ")");
                for (Scenario s : SCENARIOS) {
                    measure(title("default server", small, s), smallName, s, small);
                    measure(title("large server", entries, s), bigName, s, (int) entries);
                }
            }
            heap(big, String.format(Locale.ROOT, "large server, %,d entries, after the rounds", entries));
            smallServer.close();
            smallServer = null;

            big = adopt(big, bigName, maxEntries, maxData);
        } finally {
            for (Child c : new Child[] {smallServer, big}) {
                if (c != null) {
                    c.close();
                }
            }
            for (String name : List.of(bigName, smallName)) {
                try {
                    KvsServer.destroy(name);
                } catch (RuntimeException e) {
                    System.out.println("note: could not destroy " + name + ": " + e);
                }
            }
            System.out.println("left in /dev/shm by this run: " + leftovers(bigName, smallName));
        }
        report();
    }

    /** SIGKILLs the large server, starts a new one on its store and reports the adoption; returns the new one. */
    private Child adopt(Child big, String bigName, long maxEntries, long maxData) throws IOException {
        Path store = Path.of(readyField(big, 4));
        progress("kill -9 of the large server (pid " + big.pid() + ")");
        big.kill();
        facts.add(String.format(Locale.ROOT, "store file after kill -9: %s, %,d bytes", store, Files.size(store)));
        long t0 = System.nanoTime();
        Child adopted = startServer("server-adopted", bigName, maxEntries, maxData, 600);
        long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Matcher logged = ADOPTED.matcher(Files.readString(adopted.log()));
        String line = logged.find()
                ? String.format(
                        Locale.ROOT, "the server logged: adopted %s entries in %s ms", logged.group(1), logged.group(2))
                : "no adoption line in " + adopted.log();
        facts.add(String.format(
                Locale.ROOT,
                "adoption after kill -9: %s; start() took %s ms, JVM launch to READY %,d ms; " + "storageSize() = %s",
                line,
                readyField(adopted, 2),
                wallMs,
                readyField(adopted, 3)));
        heap(adopted, "adopted server");
        Measurement check = runClient(bigName, Scenario.SYNC_GET, (int) entries, 1_000, 3_000);
        facts.add(String.format(
                Locale.ROOT, "sync gets of random keys after adoption: %,d, misses %d", check.ops(), check.errors()));
        return adopted;
    }

    /** Field {@code field} of a server's READY line: 1 pid, 2 start() ms, 3 entries, 4 store path. */
    private String readyField(Child server, int field) {
        return readyLines.get(server)[field];
    }

    /** {@code maxEntries} 0: the library's default capacity. */
    private Child startServer(String tag, String name, long maxEntries, long maxData, long readySeconds) {
        List<String> args = new ArrayList<>(List.of("server", name, "balanced", "default"));
        if (maxEntries > 0) {
            args.add(Long.toString(maxEntries));
            args.add(Long.toString(maxData));
        }
        Child server = Child.start(label(tag), SERVER_JVM, args, workDir);
        try {
            String[] ready = ("x " + server.expect("READY", readySeconds)).split(" ");
            readyLines.put(server, ready);
            progress(String.format(
                    Locale.ROOT,
                    "%s up: pid %s, start() %s ms, %s entries, store %s",
                    tag,
                    ready[1],
                    ready[2],
                    ready[3],
                    ready[4]));
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private long load(String name, int from, int to) {
        progress(String.format(Locale.ROOT, "loading keys %,d..%,d into %s", from, to - 1, name));
        try (Child loader = Child.start(
                label("load"),
                CLIENT_JVM,
                List.of(
                        "load",
                        "kvs",
                        name,
                        "var",
                        Integer.toString(to),
                        Integer.toString(loadInFlight),
                        Integer.toString(from)),
                workDir)) {
            long ms = Long.parseLong(loader.expect("DONE", 1_800));
            progress(String.format(Locale.ROOT, "  loaded in %,d ms", ms));
            return ms;
        }
    }

    private void heap(Child server, String what) {
        String[] f = server.expectAfter("heap", "HEAP", 120).split(" ");
        String line = String.format(
                Locale.ROOT,
                "heap used after full GC, %s: %.1f MiB (committed %.1f MiB, storageSize %s); " + "RssAnon %s",
                what,
                mib(Long.parseLong(f[0])),
                mib(Long.parseLong(f[2])),
                f[1],
                rssAnon(server.pid()));
        facts.add(line);
        progress(line);
    }

    private void usage(Path store) {
        StoreFile.Summary summary = StoreFile.readSummary(store);
        if (summary == null) {
            facts.add("no store summary in " + store);
            return;
        }
        StoreUsage u = summary.usage();
        facts.add(String.format(
                Locale.ROOT,
                "store usage: %,d entries; live %.1f MiB, blocks %.1f MiB, pages %.1f MiB of "
                        + "%.1f MiB (fragmentation %.1f%%)",
                u.entries(),
                mib(u.liveBytes()),
                mib(u.blockBytes()),
                mib(u.pageBytes()),
                mib(u.dataBytes()),
                100 * u.fragmentation()));
    }

    private void measure(String title, String name, Scenario s, int keySpace) {
        progress(title);
        Measurement m = runClient(name, s, keySpace, warmupMs, measureMs);
        results.computeIfAbsent(title, t -> new ArrayList<>()).add(m);
        progress("  " + summary(m));
    }

    private Measurement runClient(String name, Scenario s, int keySpace, long warmup, long measure) {
        int window = s == Scenario.ASYNC_GET ? inFlight : 1;
        try (Child client = Child.start(
                label("client-" + s.id()),
                CLIENT_JVM,
                List.of(
                        "client",
                        "kvs",
                        name,
                        s.id(),
                        "var",
                        Integer.toString(keySpace),
                        Integer.toString(window),
                        Long.toString(warmup),
                        Long.toString(measure),
                        Long.toString(1000L * childCounter),
                        "generated"),
                workDir)) {
            client.expect("READY", 120 + warmup / 1000);
            client.send("GO");
            return Measurement.decode(client.expect("RESULT", 120 + measure / 1000));
        }
    }

    private static String title(String server, long keys, Scenario s) {
        return String.format(Locale.ROOT, "%s, %,d entries: %s", server, keys, s.title);
    }

    private void report() {
        System.out.println();
        System.out.println("== Facts ==");
        facts.forEach(System.out::println);
        System.out.println();
        System.out.println("== Results (latency in microseconds, one line per round) ==");
        System.out.printf(
                Locale.ROOT,
                "%-62s %8s %8s %8s %9s %12s %7s%n",
                "row",
                "p50",
                "p90",
                "p99",
                "p99.9",
                "ops/s",
                "errors");
        for (Map.Entry<String, List<Measurement>> e : results.entrySet()) {
            for (Measurement m : e.getValue()) {
                Histogram h = m.latency();
                System.out.printf(
                        Locale.ROOT,
                        "%-62s %8s %8s %8s %9s %,12.0f %7d%n",
                        e.getKey(),
                        us(h.getValueAtPercentile(50)),
                        us(h.getValueAtPercentile(90)),
                        us(h.getValueAtPercentile(99)),
                        us(h.getValueAtPercentile(99.9)),
                        m.opsPerSecond(),
                        m.errors());
            }
        }
        System.out.println();
        System.out.println("== " + String.format(Locale.ROOT, "%,d", entries) + " entries against "
                + String.format(Locale.ROOT, "%,d", small) + " (medians over the rounds; target: within 10%) ==");
        for (Scenario s : SCENARIOS) {
            List<Measurement> base = results.get(title("default server", small, s));
            List<Measurement> large = results.get(title("large server", entries, s));
            if (base == null || large == null) {
                continue;
            }
            double p50 = median(large, 50) / median(base, 50);
            double p99 = median(large, 99) / median(base, 99);
            double rate = medianRate(large) / medianRate(base);
            System.out.printf(
                    Locale.ROOT,
                    "%-28s p50 %.2fx, p99 %.2fx, throughput %.2fx  (large / small; %s)%n",
                    s.title,
                    p50,
                    p99,
                    rate,
                    verdict(s, p50, p99, rate));
        }
    }

    /** Latency: large / base at most 1.10; throughput: large / base at least 0.90. */
    private static String verdict(Scenario s, double p50, double p99, double rate) {
        if (s.oneAtATime) {
            return p50 <= 1.10 ? "p50 within 10%" + (p99 <= 1.10 ? ", p99 too" : ", p99 not") : "p50 NOT within 10%";
        }
        return rate >= 0.90 ? "throughput within 10%" : "throughput NOT within 10%";
    }

    private static double median(List<Measurement> ms, double percentile) {
        List<Double> v = new ArrayList<>();
        for (Measurement m : ms) {
            v.add((double) m.latency().getValueAtPercentile(percentile));
        }
        return median(v);
    }

    private static double medianRate(List<Measurement> ms) {
        List<Double> v = new ArrayList<>();
        for (Measurement m : ms) {
            v.add(m.opsPerSecond());
        }
        return median(v);
    }

    private static double median(List<Double> v) {
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static String summary(Measurement m) {
        Histogram h = m.latency();
        return String.format(
                Locale.ROOT,
                "p50 %s us, p99 %s us, %,.0f ops/s, %d errors",
                us(h.getValueAtPercentile(50)),
                us(h.getValueAtPercentile(99)),
                m.opsPerSecond(),
                m.errors());
    }

    /** The process's private anonymous memory (Java heap, metaspace, thread stacks, malloc): not its mappings. */
    private static String rssAnon(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("RssAnon:")) {
                    return line.substring("RssAnon:".length()).trim();
                }
            }
        } catch (IOException e) {
            // not Linux, or the process is gone
        }
        return "?";
    }

    private static String leftovers(String... names) {
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            List<String> left = new ArrayList<>();
            files.forEach(p -> {
                for (String name : names) {
                    if (p.getFileName().toString().startsWith(name)) {
                        left.add(p.getFileName().toString());
                    }
                }
            });
            return left.isEmpty() ? "nothing" : String.join(", ", left);
        } catch (IOException e) {
            return "? (" + e + ")";
        }
    }

    private String label(String tag) {
        return String.format(Locale.ROOT, "%02d-%s", ++childCounter, tag);
    }

    private static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }

    private static String us(long nanos) {
        double us = nanos / 1000.0;
        return us < 10
                ? String.format(Locale.ROOT, "%.2f", us)
                : us < 100 ? String.format(Locale.ROOT, "%.1f", us) : String.format(Locale.ROOT, "%.0f", us);
    }

    private static void progress(String line) {
        System.out.println("[" + String.format(Locale.ROOT, "%tT", System.currentTimeMillis()) + "] " + line);
    }
}
