package io.concurrentkvs.bench.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The load generator's settings, from its command line. Printed in full before any number, so every
 * result says what produced it.
 */
final class Settings {
    boolean quick;
    long warmupMs = 2_000;
    long measureMs = 5_000;
    int keySpace = 100_000;
    int largeKeySpace = 1_000_000;
    int inFlight = 1_000;
    int window = 256;
    int mixInFlight = 128;
    int workers = 1;
    String serverIdle = "busy";
    String poller = "";
    List<Integer> clientCounts = List.of(1, 2, 4);
    Set<String> systems = Set.of("kvs", "redis", "chronicle", "harness");
    Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);
    boolean extras = true;
    int redisPort;
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
                    s.clientCounts = List.of(1, 2);
                    break;
                case "--warmup-ms": s.warmupMs = Long.parseLong(args[++i]); break;
                case "--measure-ms": s.measureMs = Long.parseLong(args[++i]); break;
                case "--keys": s.keySpace = Integer.parseInt(args[++i]); break;
                case "--large-keys": s.largeKeySpace = Integer.parseInt(args[++i]); break;
                case "--inflight": s.inFlight = Integer.parseInt(args[++i]); break;
                case "--window": s.window = Integer.parseInt(args[++i]); break;
                case "--mix-inflight": s.mixInFlight = Integer.parseInt(args[++i]); break;
                case "--workers": s.workers = Integer.parseInt(args[++i]); break;
                case "--server-idle": s.serverIdle = args[++i]; break;
                case "--poller": s.poller = args[++i]; break;
                case "--clients": s.clientCounts = ints(args[++i]); break;
                case "--systems": s.systems = Set.copyOf(Arrays.asList(args[++i].split(","))); break;
                case "--only":
                    s.scenarios = EnumSet.noneOf(Scenario.class);
                    for (String name : args[++i].split(",")) {
                        s.scenarios.add(Scenario.parse(name));
                    }
                    break;
                case "--no-extras": s.extras = false; break;
                case "--redis-port": s.redisPort = Integer.parseInt(args[++i]); break;
                case "--work-dir": s.workDir = Path.of(args[++i]); break;
                case "--jfr": s.jfrDir = Path.of(args[++i]); break;
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
                + "--window N --mix-inflight N --workers N --server-idle busy|balanced|yielding --poller IDLE --clients 1,2,4 --systems kvs,redis,chronicle,harness "
                + "--only sync-get,sync-set,async-get,set-all,get-all,mix --no-extras --redis-port P "
                + "--work-dir DIR --jfr DIR";
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
                + " inflight(mix, per process)=" + mixInFlight + " kvs server workers=" + workers + " idle=" + serverIdle
                + " kvs client poller=" + (poller.isEmpty() ? "default(balanced)" : poller)
                + " client processes(mix)=" + clientCounts + " systems=" + systems
                + " redis=" + (redisPort > 0 ? "127.0.0.1:" + redisPort : "off")
                + (jfrDir != null ? " jfr=" + jfrDir : "");
    }
}
