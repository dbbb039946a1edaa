package io.concurrentkvs.bench.store;

import io.concurrentkvs.bench.load.Environment;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.internal.store.SharedStore;
import io.concurrentkvs.core.internal.store.StoreFile;
import io.concurrentkvs.core.internal.store.StoreGeometry;
import io.concurrentkvs.core.internal.store.StoreLayout;
import io.concurrentkvs.core.internal.store.StoreUsage;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fragmentation under churn: an in-process {@link SharedStore} of fixed capacity (a file under {@code
 * /dev/shm}, deleted at the end) driven by a {@link ChurnWorkload} through phases of different live-data
 * targets and value sizes, printing the store's {@link StoreUsage} as it goes: live bytes (records), block
 * bytes (records rounded up to their size class), page bytes (pages some segment holds), their ratios, and
 * every write rejected with {@code KvsCapacityException}.
 *
 * <p>What it is for: the store's allocator is slab classes (about 25% apart) in 32 KiB pages that go back to a
 * shared pool when their last block is freed, not a log with compaction. Its risks are the space lost to
 * rounding, and pages that churn leaves mostly empty but never empty, held by one size class while another
 * class needs pages (the {@code shift} phases: small values replaced by large ones). The phases show how
 * close to capacity live data can run before a write is refused.
 *
 * <p>Run: {@code benchmarks/run.sh --churn [--data-mib N] [--ops N] [--seed N]}. The store has the server's
 * default geometry (16 segments, the default largest record, so 32 KiB pages) and {@code maxDataBytes} of
 * {@code --data-mib} (default 256, the server's default); entries are not the limit.
 */
public final class StoreChurn {
    /** One phase: value sizes, the live-data target as a share of the data area, and its operation count. */
    record Phase(String name, int minValue, int maxValue, double target, long ops) {}

    private StoreChurn() {}

    public static void main(String[] args) throws Exception {
        long dataMib = 256;
        long ops = 6_000_000;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-mib":
                    dataMib = Long.parseLong(args[++i]);
                    break;
                case "--ops":
                    ops = Long.parseLong(args[++i]);
                    break;
                case "--seed":
                    seed = Long.parseLong(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("options: --data-mib N --ops N (per phase) --seed N");
            }
        }
        // Each scenario starts from an empty store. "ceiling": how full uniform churn can run, then whether
        // it recovers at a lower target. "shift": the value sizes move between classes at a fixed target.
        Map<String, List<Phase>> scenarios = new LinkedHashMap<>();
        scenarios.put(
                "ceiling",
                List.of(
                        new Phase("uniform", 16, 1024, 0.50, ops),
                        new Phase("uniform", 16, 1024, 0.70, ops),
                        new Phase("uniform", 16, 1024, 0.80, ops),
                        new Phase("uniform", 16, 1024, 0.90, ops),
                        new Phase("uniform", 16, 1024, 0.95, ops),
                        new Phase("uniform", 16, 1024, 0.70, ops)));
        scenarios.put(
                "shift",
                List.of(
                        new Phase("uniform", 16, 1024, 0.70, ops),
                        new Phase("small", 16, 128, 0.70, ops),
                        new Phase("large", 512, 1024, 0.70, ops),
                        new Phase("small", 16, 128, 0.70, ops)));
        System.out.println("== SharedStore under churn ==");
        System.out.print(
                Environment.describe(ManagementFactory.getRuntimeMXBean().getInputArguments(), "this JVM"));
        long dataBytes = dataMib << 20;
        int maxRecord = StoreLayout.recordLength(KvsServer.DEFAULT_MAX_KEY_BYTES, KvsServer.DEFAULT_MAX_VALUE_BYTES);
        long maxEntries =
                Math.min(StoreGeometry.MAX_ENTRIES, dataBytes / 48); // never the limit: 48 B is the smallest record
        StoreGeometry geometry = new StoreGeometry(KvsServer.DEFAULT_STRIPES, maxEntries, dataBytes, maxRecord);
        System.out.println("store:    " + geometry);
        System.out.println("keys 8-16 B, a new key per insert; seed " + seed);
        Path file =
                Path.of("/dev/shm", "kvs-bench-churn-" + ProcessHandle.current().pid() + ".store");
        try {
            for (Map.Entry<String, List<Phase>> scenario : scenarios.entrySet()) {
                System.out.println();
                System.out.println("-- scenario " + scenario.getKey() + " (an empty store) --");
                // fresh: the file is reserved anew, all zeros, as format() needs.
                try (StoreFile storeFile =
                        StoreFile.open(file, geometry, true, PosixFilePermissions.fromString("rw-------"))) {
                    SharedStore store = SharedStore.format(
                            "churn",
                            storeFile.memory(),
                            seed,
                            System.currentTimeMillis(),
                            ProcessHandle.current().pid());
                    run(store, geometry, scenario.getValue(), seed);
                }
            }
        } finally {
            StoreFile.delete(file);
        }
        System.out.println("store file " + file + " deleted; load average at the end " + Environment.loadAverage());
    }

    static void run(SharedStore store, StoreGeometry geometry, List<Phase> phases, long seed) {
        ChurnWorkload churn = new ChurnWorkload(store, seed, 1024);
        long data = geometry.dataBytes();
        System.out.printf(
                Locale.ROOT,
                "%-12s %9s %11s %9s %9s %9s %7s %7s %7s %8s %8s %9s%n",
                "phase",
                "target",
                "ops",
                "entries",
                "live MiB",
                "pages MiB",
                "live%",
                "pages%",
                "frag%",
                "round%",
                "holes%",
                "rejected");
        List<String> summary = new ArrayList<>();
        long total = 0;
        for (Phase phase : phases) {
            churn.configure(phase.minValue, phase.maxValue, (long) (phase.target * data));
            long rejectedBefore = churn.rejected();
            long interval = Math.max(1, phase.ops / 4);
            long start = System.nanoTime();
            double maxPages = 0;
            for (long done = 1; done <= phase.ops; done++) {
                churn.step();
                if (done % interval == 0) {
                    StoreUsage u = check(store.usage(), churn);
                    maxPages = Math.max(maxPages, (double) u.pageBytes() / data);
                    print(phase, total + done, u, churn.rejected() - rejectedBefore);
                }
            }
            total += phase.ops;
            double seconds = (System.nanoTime() - start) / 1e9;
            summary.add(String.format(
                    Locale.ROOT,
                    "%-12s values %4d-%4d B, target %2.0f%%: %,d ops in %.1f s; pages up to "
                            + "%.1f%%; live at the end %.1f%%; writes rejected: %,d%s",
                    phase.name,
                    phase.minValue,
                    phase.maxValue,
                    100 * phase.target,
                    phase.ops,
                    seconds,
                    100 * maxPages,
                    100.0 * churn.liveBytes() / data,
                    churn.rejected() - rejectedBefore,
                    churn.rejected() > rejectedBefore
                            ? String.format(
                                    Locale.ROOT,
                                    ", the first with live data at %.1f%%, " + "the lowest at %.1f%%",
                                    100.0 * churn.phaseFirstRejectionLiveBytes() / data,
                                    100.0 * churn.phaseLowestRejectionLiveBytes() / data)
                            : ""));
        }
        System.out.println();
        summary.forEach(System.out::println);
        System.out.println(
                churn.firstRejectionLiveBytes() >= 0
                        ? String.format(
                                Locale.ROOT,
                                "first rejected write of the scenario with live data at %.1f%%; of %,d rejections %,d named the entry "
                                        + "limit, the rest maxDataBytes",
                                100.0 * churn.firstRejectionLiveBytes() / data,
                                churn.rejected(),
                                churn.rejectedForEntries())
                        : "no write of the scenario was rejected");
        System.out.printf(
                Locale.ROOT,
                "(live%%, pages%%: shares of the %,d-byte data area; frag%% = 1 - live/pages, "
                        + "round%% = 1 - live/blocks (size classes), holes%% = 1 - blocks/pages (free blocks in pages in use))%n",
                data);
    }

    /** The store's count and live bytes must be the workload's own: anything else is an accounting bug. */
    private static StoreUsage check(StoreUsage u, ChurnWorkload churn) {
        if (u.entries() != churn.liveEntries() || u.liveBytes() != churn.liveBytes()) {
            throw new IllegalStateException("store usage " + u + " disagrees with the workload: " + churn.liveEntries()
                    + " entries, " + churn.liveBytes() + " live bytes");
        }
        return u;
    }

    private static void print(Phase phase, long ops, StoreUsage u, long rejected) {
        double data = u.dataBytes();
        System.out.printf(
                Locale.ROOT,
                "%-12s %8.0f%% %,11d %,9d %9.1f %9.1f %7.1f %7.1f %7.1f %8.1f %8.1f %,9d%n",
                phase.name,
                100 * phase.target,
                ops,
                u.entries(),
                u.liveBytes() / 1048576.0,
                u.pageBytes() / 1048576.0,
                100 * u.liveBytes() / data,
                100 * u.pageBytes() / data,
                100 * u.fragmentation(),
                u.blockBytes() == 0 ? 0 : 100 * (1 - (double) u.liveBytes() / u.blockBytes()),
                u.pageBytes() == 0 ? 0 : 100 * (1 - (double) u.blockBytes() / u.pageBytes()),
                rejected);
    }
}
