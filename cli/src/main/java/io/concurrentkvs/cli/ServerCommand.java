package io.concurrentkvs.cli;

import io.concurrentkvs.core.FsyncPolicy;
import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsIncompatibleRegionException;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.KvsStats;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code kvs server}: opens the store file (adopting the entries a previous server left, unless {@code
 * --fresh}), creates the store's shared-memory region and serves it until the process is told to stop
 * (Ctrl-C or SIGTERM), then stops gracefully — requests already queued are answered — prints final
 * statistics and removes the region. The store file stays for the next server; {@code kvs destroy} removes
 * it. The main thread waits; the JVM's shutdown hook thread does the stop.
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Serve a store until Ctrl-C or SIGTERM, then stop gracefully (queued requests are answered),"
                    + " print final statistics and remove the shared-memory region.",
            "The entries live in the store file beside the region (/dev/shm/<name>.store) and outlive the"
                    + " server: the next server on the name serves them again (--fresh discards them;"
                    + " 'kvs destroy' removes them). The whole file is reserved at start.",
            "A second server on a name whose server is alive is refused; a region left by a dead server is"
                    + " taken over."
        },
        footer = {
            "",
            "Examples:",
            "  kvs server                             the store 'kvs', default settings",
            "  kvs server --name my_kvs --workers 2 --stripes 32",
            "  kvs server --name my_kvs --idle busy  lowest latency, a core per worker",
            "  kvs server --name my_kvs --max-value-bytes 65536 --ring-size 16384",
            "  kvs server --name my_kvs --max-entries 100000 --max-data-bytes 64m",
            "  kvs server --name my_kvs --fresh       start empty, discarding the previous data",
            "  kvs server --name my_kvs --persistence /var/lib/kvs --fsync always",
            "                                         keep the data on disk; acknowledge once forced"
        })
final class ServerCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Option(
            names = {"-w", "--workers"},
            paramLabel = "N",
            description = "Worker threads (default: ${DEFAULT-VALUE}).")
    int workers = KvsServer.DEFAULT_WORKERS;

    @Option(
            names = {"-s", "--stripes"},
            paramLabel = "N",
            description = "Segments of the store, each with its own hash index and lock (default: ${DEFAULT-VALUE}).")
    int stripes = KvsServer.DEFAULT_STRIPES;

    @Option(
            names = "--ring-size",
            paramLabel = "SLOTS",
            description = "Request ring slots, a power of two (default: ${DEFAULT-VALUE}).")
    int ringSize = KvsServer.DEFAULT_RING_SIZE;

    @Option(
            names = "--max-key-bytes",
            paramLabel = "BYTES",
            description = "Largest key; clients reject larger ones (default: ${DEFAULT-VALUE}).")
    int maxKeyBytes = KvsServer.DEFAULT_MAX_KEY_BYTES;

    @Option(
            names = "--max-value-bytes",
            paramLabel = "BYTES",
            description = "Largest value; clients reject larger ones (default: ${DEFAULT-VALUE}).")
    int maxValueBytes = KvsServer.DEFAULT_MAX_VALUE_BYTES;

    @Option(
            names = "--max-clients",
            paramLabel = "N",
            description = "Client connections the region has room for (default: ${DEFAULT-VALUE}).")
    int maxClients = KvsServer.DEFAULT_MAX_CLIENTS;

    @Option(
            names = "--response-slots",
            paramLabel = "N",
            description = "Requests one connection may have in flight (default: ${DEFAULT-VALUE}).")
    int responseSlots = KvsServer.DEFAULT_RESPONSE_SLOTS;

    @Option(
            names = "--max-entries",
            paramLabel = "N",
            description = "Most entries the store holds; a write beyond fails with a 'store full' error"
                    + " (default: ${DEFAULT-VALUE}).")
    long maxEntries = KvsServer.DEFAULT_MAX_ENTRIES;

    @Option(
            names = "--max-data-bytes",
            paramLabel = "SIZE",
            converter = SizeConverter.class,
            description = "Shared memory for keys and values, reserved at start: bytes, or 64k, 256m, 1g"
                    + " (default: ${DEFAULT-VALUE}, 256m).")
    long maxDataBytes = KvsServer.DEFAULT_MAX_DATA_BYTES;

    @Option(
            names = "--fresh",
            description = "Start empty, discarding the entries a previous server left in the store file"
                    + " (default: serve them again).")
    boolean fresh;

    @Option(
            names = "--persistence",
            paramLabel = "DIR",
            description = "Persist the store to this existing directory: an append-only log of every write, with"
                    + " snapshots in the background. A server started when the shared memory is gone (a reboot,"
                    + " 'kvs destroy') recovers from it (default: no persistence).")
    Path persistence;

    @Option(
            names = "--fsync",
            paramLabel = "POLICY",
            converter = FsyncConverter.class,
            completionCandidates = FsyncConverter.Names.class,
            description = "With --persistence, when the log is forced to disk: always (a write is acknowledged once"
                    + " on disk), everysec (about a second of writes at risk on power loss; the default), never"
                    + " (the OS decides).")
    FsyncPolicy fsync;

    @Option(
            names = "--idle",
            paramLabel = "STRATEGY",
            defaultValue = "balanced",
            converter = IdleConverter.class,
            completionCandidates = IdleNames.class,
            description = "How idle workers wait: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    IdleStrategy idle;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (fsync != null && persistence == null) {
            throw new ParameterException(spec.commandLine(), "--fsync needs --persistence DIR");
        }
        KvsServer.Builder builder = KvsServer.builder(store.name())
                .workers(workers)
                .stripes(stripes)
                .ringSize(ringSize)
                .maxKeyBytes(maxKeyBytes)
                .maxValueBytes(maxValueBytes)
                .maxClients(maxClients)
                .responseSlotsPerClient(responseSlots)
                .idleStrategy(idle)
                .maxEntries(maxEntries)
                .maxDataBytes(maxDataBytes)
                .fresh(fresh);
        if (persistence != null) {
            builder.persistence(persistence).fsync(fsync != null ? fsync : FsyncPolicy.EVERY_SECOND);
        }
        KvsServer server = builder.build();
        boolean hadStore = Files.exists(server.storePath());
        try {
            server.start();
        } catch (KvsIncompatibleRegionException e) {
            // The library's advice names its API (fresh(true), KvsServer.destroy): say it in this command's terms.
            throw new KvsIncompatibleRegionException(
                    e.getMessage() + " (here: add --fresh, or run 'kvs destroy --name " + server.name() + "')");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // The hook is the only way a server ends: SIGINT and SIGTERM both run shutdown hooks.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopAndReport(server, out);
                            stopped.countDown();
                        },
                        "kvs-server-shutdown"));
        out.println("kvs server: " + storeLine(server, hadStore));
        out.println("kvs server: serving '" + server.name() + "' at " + server.path() + " (pid "
                + ProcessHandle.current().pid() + ", " + workers + " workers, " + stripes + " stripes, idle "
                + server.idleStrategy() + ", ring " + ringSize + ", keys <= " + maxKeyBytes + " B, values <= "
                + maxValueBytes + " B)");
        if (persistence != null) {
            out.println("kvs server: persisting to " + persistence.toAbsolutePath() + " (fsync "
                    + FsyncConverter.word(fsync != null ? fsync : FsyncPolicy.EVERY_SECOND) + ")");
        }
        out.println("kvs server: Ctrl-C or SIGTERM stops it; try 'kvs set --name " + server.name()
                + " k v' and 'kvs stats --name " + server.name() + "' from another terminal");
        out.flush();
        stopped.await();
        return KvsMain.EXIT_OK;
    }

    /** What the server found in its store file, and how much the file holds. */
    private String storeLine(KvsServer server, boolean hadStore) {
        String found;
        if (!hadStore && persistence != null) {
            found = "recovered " + Formats.count(server.storageSize()) + " entries from " + persistence.toAbsolutePath()
                    + " into " + server.storePath();
        } else if (!hadStore) {
            found = "created " + server.storePath();
        } else if (fresh) {
            found = "discarded the entries in " + server.storePath() + " (--fresh)";
        } else {
            found = "adopted " + Formats.count(server.storageSize()) + " entries from " + server.storePath();
        }
        // The file's own numbers: the data limit as rounded down to whole pages.
        KvsStats stats = KvsStats.read(server.path());
        return found + "; room for " + Formats.count(stats.maxEntries()) + " entries and "
                + Formats.bytes(stats.storeDataBytes()) + " of keys and values";
    }

    private static void stopAndReport(KvsServer server, PrintWriter out) {
        try {
            out.println("kvs server: stopping '" + server.name() + "': answering queued requests");
            out.flush();
            server.stop();
            // stop() publishes the final counters before it returns, so this read is complete.
            KvsStats last = KvsStats.read(server.path());
            server.close(); // removes the region this server created; the store file stays
            out.println("kvs server: stopped.");
            StatsReport.totals(last, Instant.now()).forEach(line -> out.println("kvs server: " + line));
            out.println("kvs server: removed " + server.path() + "; kept " + Formats.count(server.storageSize())
                    + " entries in " + server.storePath() + " for the next server ('kvs destroy --name "
                    + server.name() + "' removes them)");
        } catch (RuntimeException e) {
            // A hook cannot report through picocli: say it in one line and still release the region.
            out.println("kvs server: error while stopping: " + OneLineErrors.describe(e));
            server.close();
        }
        out.flush();
    }

    /** Converts {@code --idle} through {@link IdleStrategy#parse}, whose message lists the valid names. */
    static final class IdleConverter implements ITypeConverter<IdleStrategy> {
        @Override
        public IdleStrategy convert(String value) {
            try {
                return IdleStrategy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** The names {@code --idle} accepts, for help and shell completion. */
    static final class IdleNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.List.of("busy", "balanced", "yielding").iterator();
        }
    }
}
