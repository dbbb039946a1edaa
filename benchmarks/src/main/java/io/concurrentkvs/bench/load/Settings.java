package io.concurrentkvs.bench.load;

import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The load generator's settings, from its command line. Printed in full before any number, so every
 * result says what produced it.
 *
 * <p>With no options the KVS server and clients run with the library's defaults (the targets are judged
 * with defaults): a {@code balanced} server with {@link KvsServer#DEFAULT_WORKERS} workers and default
 * limits, clients with {@link ConnectionOptions#defaults()}. {@code --server-idle}, {@code --workers} and
 * {@code --poller} override them for the main KVS rows.
 */
final class Settings {
    /** The server idle strategy a {@link KvsServer.Builder} uses unless told otherwise. */
    static final String LIBRARY_SERVER_IDLE = IdleStrategy.balanced().toString();
    /** The server idle strategy of the extra sync-get row (target 2: lowest one-at-a-time latency). */
    static final String BUSY_SERVER_IDLE = IdleStrategy.busySpin().toString();

    boolean quick;
    long warmupMs = 2_000;
    long measureMs = 5_000;
    int keySpace = 100_000;
    int largeKeySpace = 1_000_000;
    int inFlight = 1_000;
    int window = 256;
    int mixInFlight = 128;
    /** KVS server worker threads; 0: the library's default ({@link KvsServer#DEFAULT_WORKERS}). */
    int workers = 0;

    String serverIdle = LIBRARY_SERVER_IDLE;
    String poller = "";
    List<Integer> clientCounts = List.of(1, 2, 4);
    Set<String> systems = Set.of("kvs", "redis", ChildMain.KVS_REDIS, "chronicle", "harness");
    Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);
    boolean extras = true;
    int redisPort;
    /** With both redis and kvs-redis: interleaved rounds of their single-client scenarios, best kept. */
    int redisRounds = 1;

    Path workDir = Path.of("benchmarks/target/load-run");
    Path jfrDir;

    static Settings parse(String[] args) {
        Settings s = new Settings();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick":
                    s.quick = true;
                    s.warmupMs = 1_000;
                    s.measureMs = 2_000;
                    s.largeKeySpace = 0;
                    s.clientCounts = List.of(1, 2, 4); // 4: the mix target is judged with 4 processes
                    break;
                case "--warmup-ms":
                    s.warmupMs = Long.parseLong(args[++i]);
                    break;
                case "--measure-ms":
                    s.measureMs = Long.parseLong(args[++i]);
                    break;
                case "--keys":
                    s.keySpace = Integer.parseInt(args[++i]);
                    break;
                case "--large-keys":
                    s.largeKeySpace = Integer.parseInt(args[++i]);
                    break;
                case "--inflight":
                    s.inFlight = Integer.parseInt(args[++i]);
                    break;
                case "--window":
                    s.window = Integer.parseInt(args[++i]);
                    break;
                case "--mix-inflight":
                    s.mixInFlight = Integer.parseInt(args[++i]);
                    break;
                case "--workers":
                    s.workers = Integer.parseInt(args[++i]);
                    break;
                case "--server-idle":
                    s.serverIdle = IdleStrategy.parse(args[++i]).toString();
                    break;
                case "--poller":
                    s.poller = args[++i];
                    break;
                case "--clients":
                    s.clientCounts = ints(args[++i]);
                    break;
                case "--systems":
                    s.systems = Set.copyOf(Arrays.asList(args[++i].split(",")));
                    break;
                case "--only":
                    s.scenarios = EnumSet.noneOf(Scenario.class);
                    for (String name : args[++i].split(",")) {
                        s.scenarios.add(Scenario.parse(name));
                    }
                    break;
                case "--no-extras":
                    s.extras = false;
                    break;
                case "--redis-rounds":
                    s.redisRounds = Integer.parseInt(args[++i]);
                    break;
                case "--redis-port":
                    s.redisPort = Integer.parseInt(args[++i]);
                    break;
                case "--work-dir":
                    s.workDir = Path.of(args[++i]);
                    break;
                case "--jfr":
                    s.jfrDir = Path.of(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
            }
        }
        return s;
    }

    private static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String p : csv.split(",")) {
            out.add(Integer.parseInt(p.trim()));
        }
        return out;
    }

    static String usage() {
        return "options: --quick --warmup-ms N --measure-ms N --keys N --large-keys N (0: skip) --inflight N "
                + "--window N --mix-inflight N --workers N (default: the library's) --server-idle busy|balanced|yielding "
                + "(default: balanced, the library's) --poller IDLE (default: the library's) --clients 1,2,4 "
                + "--systems kvs,redis,kvs-redis,chronicle,harness "
                + "--only sync-get,sync-set,async-get,async-get-256,set-all,get-all,mix --no-extras --redis-port P --redis-rounds N "
                + "--work-dir DIR --jfr DIR";
    }

    /** Whether the main KVS rows run with the library's default server and client settings. */
    boolean kvsDefaults() {
        return serverIdle.equals(LIBRARY_SERVER_IDLE) && workers == 0 && poller.isEmpty();
    }

    /** The worker count the server runs with: the explicit one, or the library's default on this machine. */
    int effectiveWorkers() {
        return workers > 0 ? workers : KvsServer.DEFAULT_WORKERS;
    }

    /** What the server child is told about workers: a count, or "default" for the library's own choice. */
    String workersArgument() {
        return workers > 0 ? Integer.toString(workers) : "default";
    }

    /**
     * The KVS settings of this run, each marked as the library's default or not, and the settings the
     * targets assume.
     */
    String kvsDescription() {
        return "kvs server: idle=" + serverIdle + mark(serverIdle.equals(LIBRARY_SERVER_IDLE), LIBRARY_SERVER_IDLE)
                + ", workers=" + effectiveWorkers()
                + mark(
                        workers == 0,
                        "KvsServer.DEFAULT_WORKERS = " + KvsServer.DEFAULT_WORKERS + " on "
                                + Runtime.getRuntime().availableProcessors() + " CPUs")
                + ", ring " + KvsServer.DEFAULT_RING_SIZE + " slots, " + KvsServer.DEFAULT_RESPONSE_SLOTS
                + " response slots per client, other limits (library defaults)\n"
                + "kvs clients: "
                + (poller.isEmpty()
                        ? "ConnectionOptions.defaults() (library defaults: poller idle "
                                + ConnectionOptions.DEFAULT_POLLER_IDLE + ", sync spin "
                                + ConnectionOptions.DEFAULT_SYNC_SPIN.toNanos() / 1000
                                + " us, timeout " + ConnectionOptions.DEFAULT_TIMEOUT.toMillis() + " ms)"
                        : "poller idle=" + poller + " (not the library default " + ConnectionOptions.DEFAULT_POLLER_IDLE
                                + "), other ConnectionOptions defaults")
                + "; batch window(setAll/getAll)=" + window
                + (window == 256 ? " (the targets' window)" : " (targets assume 256)")
                + "\nextras: sync get with a " + BUSY_SERVER_IDLE
                + " server (not the default: target 2), heap per entry and idle "
                + "CPU with a " + LIBRARY_SERVER_IDLE + " server (the default)"
                + (kvsDefaults()
                        ? ""
                        : "\nNOTE: the main KVS rows do not run with the library defaults; the targets assume them");
    }

    private static String mark(boolean isDefault, String libraryDefault) {
        return isDefault ? " (library default)" : " (not the library default: " + libraryDefault + ")";
    }

    /** Largest key space any scenario reads: what the loaders write. */
    int loadedKeys() {
        return Math.max(keySpace, largeKeySpace);
    }

    @Override
    public String toString() {
        return "mode=" + (quick ? "quick" : "full") + " warmup=" + warmupMs + "ms measure=" + measureMs + "ms"
                + " keys=" + keySpace + (largeKeySpace > 0 ? "," + largeKeySpace : "") + " (8-16 B)"
                + " value=" + Keys.VALUE_BYTES + "B inflight(async)=" + inFlight + " window(setAll/getAll)=" + window
                + " inflight(async-get-256)=" + Scenario.ASYNC_GET_256.fixedInFlight
                + " inflight(mix, per process)=" + mixInFlight + " kvs server workers=" + effectiveWorkers() + " idle="
                + serverIdle
                + " kvs client poller=" + (poller.isEmpty() ? "default" : poller)
                + " client processes(mix)=" + clientCounts + " systems=" + systems
                + " redis=" + (redisPort > 0 ? "127.0.0.1:" + redisPort : "off")
                + (jfrDir != null ? " jfr=" + jfrDir : "");
    }
}
