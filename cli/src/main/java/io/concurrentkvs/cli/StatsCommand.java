package io.concurrentkvs.cli;

import io.concurrentkvs.core.KvsStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvs stats}: reads a store's header twice, {@code --interval} apart, and prints totals and rates;
 * with {@code --watch}, one row per interval until interrupted. Reading the header registers no client
 * and never disturbs the server. Runs on the main thread.
 */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description = {
            "Show a store's server, configuration and counters: totals and operations per second by type,"
                    + " errors, ring depth, clients connected, server pid/epoch/uptime/state.",
            "Reads the shared header without connecting as a client. Counters are published by the server"
                    + " every 100 ms heartbeat; rates come from two samples --interval apart."
        },
        footer = {
            "",
            "Examples:",
            "  kvs stats --name my_kvs",
            "  kvs stats --name my_kvs --interval 250ms",
            "  kvs stats --name my_kvs --watch        one row a second until Ctrl-C",
            "  kvs stats --name my_kvs --watch --count 10 --interval 500ms"
        })
final class StatsCommand implements Callable<Integer> {
    private static final int HEADER_EVERY_ROWS = 20;

    @Mixin
    StoreOption store;

    @Option(
            names = {"-w", "--watch"},
            description = "Print a row of rates every interval until interrupted.")
    boolean watch;

    @Option(
            names = {"-i", "--interval"},
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description = "Time between the two samples, or between rows with --watch: 500ms, 2s, ..."
                    + " (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(
            names = "--count",
            paramLabel = "ROWS",
            description = "With --watch, stop after this many rows (default: until interrupted).")
    long count = Long.MAX_VALUE;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        KvsStats previous = KvsStats.read(store.name());
        if (!watch) {
            pause();
            KvsStats current = KvsStats.read(store.name());
            StatsReport.report(previous, current, Instant.now()).forEach(out::println);
            out.flush();
            return KvsMain.EXIT_OK;
        }
        out.println("store " + previous.path() + ": " + previous.state() + ", pid " + previous.serverPid() + ", epoch "
                + Long.toHexString(previous.epoch()));
        for (long row = 0; row < count; row++) {
            pause();
            KvsStats current = KvsStats.read(store.name());
            if (row % HEADER_EVERY_ROWS == 0) {
                out.println(StatsReport.watchHeader());
            }
            out.println(StatsReport.watchRow(previous, current, LocalTime.now()));
            out.flush();
            previous = current;
        }
        return KvsMain.EXIT_OK;
    }

    private void pause() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(interval.toMillis());
    }
}
