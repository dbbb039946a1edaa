package io.concurrentkvs.bench.load;

import io.concurrentkvs.core.FsyncPolicy;
import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Entry point of every process the {@link LoadGenerator} starts. The first argument names the role; the
 * process talks to the orchestrator by lines: commands on standard input, answers on standard output
 * ({@code READY}, {@code RESULT ...}, {@code HEAP n}, {@code ALLOC n}, {@code DONE}, {@code ERROR ...}).
 * Logs go to standard error, which the orchestrator keeps in a file. A closed standard input means the
 * orchestrator is gone: every role then exits, so no process outlives a run.
 *
 * <p>Roles:
 * <ul>
 *   <li>{@code server NAME IDLE WORKERS [MAX_ENTRIES MAX_DATA_BYTES] [--persistence=DIR] [--fsync=POLICY]}:
 *       a {@link KvsServer} (WORKERS {@code default}: the builder's own default; the store's capacity the
 *       library's default unless given; with {@code --persistence} its writes are logged in DIR, fsynced by
 *       {@link FsyncPolicy} POLICY, or the library's default policy without {@code --fsync}); says {@code READY pid startMillis entries storePath} once started (entries: adopted ones); answers
 *       {@code heap} ({@code HEAP used entries committed}, used heap after full GCs) and {@code alloc}
 *       (bytes allocated, CPU nanoseconds). On {@code stop} or end of input it closes the server and
 *       destroys its store; a server killed instead leaves the store for the next one to adopt.
 *   <li>{@code chronicle-owner FILE KEYS STYLE}: creates and fills a Chronicle Map file, then holds it.
 *   <li>{@code load SYSTEM TARGET STYLE KEYS INFLIGHT [FROM]}: writes keys FROM (default 0) to KEYS-1
 *       once, each made on the fly ({@link KeySource}); {@code DONE ms}.
 *   <li>{@code client SYSTEM TARGET SCENARIO STYLE KEYS INFLIGHT WARMUP_MS MEASURE_MS SEED [KEY_MODE]}:
 *       KEY_MODE {@code table} (the default) or {@code generated} ({@link KeySource}).
 *   <li>{@code idle NAME}: a connected client that does nothing (for idle CPU).
 * </ul>
 */
public final class ChildMain {
    private ChildMain() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            switch (args[0]) {
                case "server":
                    server(args, in);
                    break;
                case "chronicle-owner":
                    chronicleOwner(new File(args[1]), Integer.parseInt(args[2]), args[3], in);
                    break;
                case "load":
                    load(args, in);
                    break;
                case "client":
                    client(args, in);
                    break;
                case "idle":
                    idle(args[1], in);
                    break;
                default:
                    throw new IllegalArgumentException("unknown role " + args[0]);
            }
        } catch (Throwable t) {
            t.printStackTrace();
            say("ERROR " + t);
            System.exit(1);
        }
        System.exit(0);
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void waitForEof(BufferedReader in) throws Exception {
        while (in.readLine() != null) {
            // ignore: only the end of input matters
        }
    }

    /** An idle client: holds one connection open, sending nothing, until its input ends. */
    // The connection is held for its presence (a registered client the server must account for), never
    // used, which javac's "try" lint reports.
    @SuppressWarnings("try")
    private static void idle(String name, BufferedReader in) throws Exception {
        try (KvsConnection connection = KvsConnection.connect(name)) {
            say("READY");
            waitForEof(in);
        }
    }

    private static void server(String[] a, BufferedReader in) throws Exception {
        String name = a[1];
        KvsServer.Builder builder = KvsServer.builder(name).idleStrategy(IdleStrategy.parse(a[2]));
        if (!a[3].equals("default")) {
            builder.workers(Integer.parseInt(a[3]));
        }
        List<String> capacity = new ArrayList<>();
        for (int i = 4; i < a.length; i++) {
            if (a[i].startsWith("--persistence=")) {
                builder.persistence(Path.of(a[i].substring("--persistence=".length())));
            } else if (a[i].startsWith("--fsync=")) {
                builder.fsync(FsyncPolicy.valueOf(a[i].substring("--fsync=".length())));
            } else {
                capacity.add(a[i]);
            }
        }
        if (capacity.size() >= 2) {
            builder.maxEntries(Long.parseLong(capacity.get(0))).maxDataBytes(Long.parseLong(capacity.get(1)));
        }
        try (KvsServer server = builder.build()) {
            long t0 = System.nanoTime();
            server.start();
            long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            say("READY " + ProcessHandle.current().pid() + " " + startMillis + " " + server.storageSize() + " "
                    + server.storePath());
            String line;
            while ((line = in.readLine()) != null && !line.equals("stop")) {
                switch (line) {
                    case "heap":
                        long used = ProcessAllocations.usedHeapAfterGc();
                        say("HEAP " + used + " " + server.storageSize() + " "
                                + java.lang.management.ManagementFactory.getMemoryMXBean()
                                        .getHeapMemoryUsage()
                                        .getCommitted());
                        break;
                    case "alloc":
                        say("ALLOC " + ProcessAllocations.total() + " " + ProcessAllocations.cpuNanos());
                        break;
                    default:
                        say("ERROR unknown command " + line);
                }
            }
        } finally {
            // close() keeps the store file (hundreds of MB of /dev/shm): a benchmark's data dies with it.
            try {
                KvsServer.destroy(name);
            } catch (RuntimeException e) {
                e.printStackTrace(); // not thrown: it would hide why the server stopped
            }
        }
    }

    private static void chronicleOwner(File file, int count, String style, BufferedReader in) throws Exception {
        byte[][] keys = Keys.build(style, count);
        byte[] value = Keys.value(1);
        try (ChronicleMap<byte[], byte[]> map = ChronicleStoreClient.open(file, count)) {
            for (byte[] key : keys) {
                map.put(key, value);
            }
            say("READY " + map.size());
            waitForEof(in);
        }
    }

    /** The kvs API (all three views) over the same Redis as the raw Lettuce rows, through kvs-redis. */
    static final String KVS_REDIS = "kvs-redis";

    static StoreClient connect(String system, String target, int keys) {
        switch (system) {
            case "kvs":
                return new KvsStoreClient(target);
            case "redis":
                return new RedisStoreClient(Integer.parseInt(target));
            case KVS_REDIS:
                return new KvsStoreClient("redis://127.0.0.1:" + Integer.parseInt(target));
            case "chronicle":
                return new ChronicleStoreClient(new File(target), keys);
            case "harness":
                return new InstantStoreClient();
            default:
                throw new IllegalArgumentException("unknown system " + system);
        }
    }

    private static void load(String[] a, BufferedReader in) {
        int count = Integer.parseInt(a[4]);
        int from = a.length > 6 ? Integer.parseInt(a[6]) : 0;
        try (StoreClient store = connect(a[1], a[2], count)) {
            if (store instanceof RedisStoreClient && from == 0) {
                ((RedisStoreClient) store).flushAll();
            }
            long start = System.nanoTime();
            ScenarioLoop.load(
                    store, KeySource.of("generated", a[3], count), from, Keys.value(1), Integer.parseInt(a[5]));
            say("DONE " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    private static void client(String[] a, BufferedReader in) throws Exception {
        String system = a[1];
        Scenario scenario = Scenario.parse(a[3]);
        int keySpace = Integer.parseInt(a[5]);
        int inFlight = Integer.parseInt(a[6]);
        long warmup = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(a[7]));
        long measure = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(a[8]));
        long seed = Long.parseLong(a[9]);
        KeySource keys = KeySource.of(a.length > 10 ? a[10] : "table", a[4], keySpace);
        try (StoreClient store = connect(system, a[2], keySpace)) {
            ScenarioLoop loop = new ScenarioLoop(store, keys, Keys.value(seed), inFlight, seed);
            loop.run(scenario, warmup);
            say("READY");
            String go = in.readLine();
            if (!"GO".equals(go)) {
                return; // the orchestrator gave up on this scenario
            }
            long before = ProcessAllocations.total();
            long cpuBefore = ProcessAllocations.cpuNanos();
            Measurement m = loop.run(scenario, measure);
            long cpu = ProcessAllocations.cpuNanos() - cpuBefore;
            long allocated = ProcessAllocations.total() - before;
            say("RESULT " + new Measurement(m.ops(), m.nanos(), m.errors(), allocated, cpu, m.latency()).encode());
            in.readLine(); // hold the connection until told, so no process leaves while others measure
        }
    }
}
