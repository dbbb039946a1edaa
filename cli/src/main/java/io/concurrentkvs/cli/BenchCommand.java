package io.concurrentkvs.cli;

import io.concurrentkvs.core.KvsStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvs bench}: a load generator in this JVM against a running server. Prints the machine, JVM and
 * settings, then progress (redrawn in place on a terminal, plain lines otherwise), then throughput and an
 * HdrHistogram latency summary. Runs on the main thread plus one thread per client and a progress timer.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure a running server: --clients connections, each a thread keeping --pipeline asynchronous"
                    + " requests in flight, run --ops operations chosen by --mix over --keys keys.",
            "Shows progress (one line redrawn in place on a terminal, plain lines otherwise), then ops/s and"
                    + " latency percentiles p50/p90/p99/p99.9/max in microseconds.",
            "Exits 2 if any operation failed."
        },
        footer = {
            "",
            "Examples:",
            "  kvs bench                                   1,000,000 ops, mix get:90,set:10",
            "  kvs bench --name my_kvs --clients 2 --pipeline 256 --ops 5000000",
            "  kvs bench --name my_kvs --mix get:50,set:30,post:10,del:10 --value-size 512",
            "  kvs bench --name my_kvs --clients 1 --pipeline 1     one request at a time",
            "  kvs bench --name my_kvs --progress plain > bench.log"
        })
final class BenchCommand implements Callable<Integer> {
    /** Where progress goes. */
    enum ProgressMode {
        AUTO,
        TERMINAL,
        PLAIN,
        NONE
    }

    @Mixin
    StoreOption store;

    @Option(
            names = "--ops",
            paramLabel = "N",
            description = "Operations to time, over all clients (default: ${DEFAULT-VALUE}).")
    long ops = 1_000_000;

    @Option(
            names = {"-c", "--clients"},
            paramLabel = "N",
            description = "Client connections, one sending thread each (default: ${DEFAULT-VALUE}).")
    int clients = 1;

    @Option(
            names = {"-p", "--pipeline"},
            paramLabel = "N",
            description = "Requests each client keeps in flight (default: ${DEFAULT-VALUE}).")
    int pipeline = 128;

    @Option(
            names = "--value-size",
            paramLabel = "BYTES",
            description = "Size of written values (default: ${DEFAULT-VALUE}).")
    int valueSize = 16;

    @Option(
            names = "--keys",
            paramLabel = "N",
            description = "Key space, chosen uniformly (default: ${DEFAULT-VALUE}).")
    int keys = 10_000;

    @Option(
            names = "--mix",
            paramLabel = "OP:WEIGHT,...",
            defaultValue = "get:90,set:10",
            converter = OperationMix.Converter.class,
            description = "Weights of get, set, post, del (default: ${DEFAULT-VALUE}).")
    OperationMix mix;

    @Option(
            names = "--timeout",
            paramLabel = "MS",
            description = "Per-request timeout in ms (default: ${DEFAULT-VALUE}).")
    long timeoutMs = 5000;

    @Option(
            names = "--preload",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Write every key once, untimed, before the timed run so GETs hit (default: on;"
                    + " --no-preload to skip).")
    boolean preload;

    @Option(
            names = "--progress",
            paramLabel = "MODE",
            defaultValue = "auto",
            description = "auto (redraw on a terminal, plain lines otherwise), terminal, plain or none"
                    + " (default: ${DEFAULT-VALUE}).")
    ProgressMode progress;

    @Option(
            names = "--progress-interval",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Time between progress updates (default: 250ms on a terminal, 1s otherwise).")
    Duration progressInterval;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        BenchPlan plan = new BenchPlan(
                store.name(), ops, clients, pipeline, valueSize, keys, mix, Duration.ofMillis(timeoutMs), preload);
        // Reading the header first fails fast, with the library's message, when no server is there.
        KvsStats server = KvsStats.read(plan.name());
        printSettings(out, plan, server);
        BenchResult result;
        try (BenchRunner runner = BenchRunner.connect(plan)) {
            if (plan.preload()) {
                out.println("preload   writing " + Formats.count(plan.keys()) + " keys once (untimed)");
                out.flush();
                runner.preload();
            }
            result = runWithProgress(runner, out);
        }
        result.summary().forEach(out::println);
        out.flush();
        if (result.failed() > 0 || result.aborted()) {
            spec.commandLine()
                    .getErr()
                    .println(spec.qualifiedName() + ": " + Formats.count(result.failed())
                            + " operations failed" + (result.aborted() ? " and the run stopped early" : "")
                            + result.firstError()
                                    .map(e -> "; first: " + OneLineErrors.describe(e))
                                    .orElse(""));
            return KvsMain.EXIT_ERROR;
        }
        return KvsMain.EXIT_OK;
    }

    private BenchResult runWithProgress(BenchRunner runner, PrintWriter out) throws InterruptedException {
        if (progress == ProgressMode.NONE) {
            return runner.run();
        }
        boolean terminal =
                progress == ProgressMode.TERMINAL || (progress == ProgressMode.AUTO && System.console() != null);
        ProgressDisplay display = new ProgressDisplay(out, terminal);
        long intervalMs = progressInterval != null ? progressInterval.toMillis() : terminal ? 250 : 1000;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "kvs-bench-progress");
            thread.setDaemon(true);
            return thread;
        });
        BenchResult result;
        try {
            ticker.scheduleAtFixedRate(
                    () -> display.update(runner.sample().render()), intervalMs, intervalMs, TimeUnit.MILLISECONDS);
            result = runner.run();
        } finally {
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        }
        // A last update shows the whole run, so even a run shorter than one interval shows progress.
        display.update(finalProgress(result).render());
        display.finish();
        return result;
    }

    private static BenchProgress finalProgress(BenchResult r) {
        long p50 = r.latency().getTotalCount() == 0 ? 0 : r.latency().getValueAtPercentile(50.0);
        long p99 = r.latency().getTotalCount() == 0 ? 0 : r.latency().getValueAtPercentile(99.0);
        return new BenchProgress(
                r.completed(), r.failed(), r.plan().ops(), r.elapsedNanos(), r.opsPerSecond(), p50, p99);
    }

    private static void printSettings(PrintWriter out, BenchPlan plan, KvsStats server) {
        out.println("bench     store '" + plan.name() + "' at " + server.path() + ": " + Formats.count(plan.ops())
                + " ops, " + plan.clients() + " client" + (plan.clients() == 1 ? "" : "s") + " x " + plan.pipeline()
                + " in flight, mix " + plan.mix() + ", " + plan.valueSize() + " B values, "
                + Formats.count(plan.keys()) + " keys, timeout "
                + plan.timeout().toMillis() + " ms");
        Runtime rt = Runtime.getRuntime();
        out.println("machine   " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + rt.availableProcessors() + " CPUs; java "
                + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), max heap "
                + rt.maxMemory() / (1024 * 1024) + " MB");
        out.println("server    pid " + server.serverPid() + ", " + server.state() + ", " + server.workers()
                + " workers, " + server.stripes() + " stripes, ring " + server.ringCapacity() + ", "
                + Formats.count(server.storedEntries()) + " entries before the run");
        out.flush();
    }
}
