package io.concurrentkvs.cli;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.reactive.ReactiveKvsClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code kvs demo}: the original library's two-terminal demo in one command. Starts {@code kvs server} as
 * a separate JVM on a store name unique to this run, runs a client in this process that shows every
 * operation in each view of one connection (blocking, {@code CompletableFuture}, then Reactor: a cold
 * {@code Mono} and a backpressured {@code setAll}), checks each answer, then stops the server with SIGTERM
 * as Ctrl-C would and
 * shows its final statistics. The run's store name is thrown away, so the demo then removes the store file
 * the server keeps (a {@code kvs server} on a name of one's own keeps it for the next server); it leaves no
 * file in {@code /dev/shm}, on error paths too. Runs on the main thread; the server's output is copied by
 * another thread.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Start a server process, run a client in this process showing GET/SET/POST/DEL (blocking,"
                    + " CompletableFuture and Reactor calls, with a backpressured setAll), then stop the server"
                    + " gracefully.",
            "Uses a store name unique to the run (kvs-demo-<pid>-<random>), so it never disturbs another"
                    + " store, and removes that store's files at the end. Exits 0 if every answer was the"
                    + " expected one."
        },
        footer = {
            "",
            "Examples:",
            "  kvs demo",
            "  ./kvs demo      from a fresh clone: the launcher builds the jar first",
            "",
            "The same by hand, in two terminals:",
            "  terminal 1:  kvs server --name my_kvs",
            "  terminal 2:  kvs set --name my_kvs user:1 Ada && kvs get --name my_kvs user:1"
        })
final class DemoCommand implements Callable<Integer> {
    private static final String PREFIX = "demo      ";
    private static final String CLIENT = "client    ";
    /** Rows in the demo's backpressured {@code setAll}. */
    private static final int SET_ALL_ROWS = 100;
    /** The most requests that {@code setAll} keeps in flight, and so asks its upstream for ahead of its results. */
    private static final int SET_ALL_WINDOW = 8;

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "Worker threads of the demo server (default: ${DEFAULT-VALUE}).")
    int workers = 1;

    @Option(
            names = "--server-timeout",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long to wait for the server process to start, and to stop (default: ${DEFAULT-VALUE}).")
    Duration serverTimeout;

    @Spec
    CommandSpec spec;

    private int mismatches;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        String name = String.format(
                Locale.ROOT,
                "kvs-demo-%d-%06x",
                ProcessHandle.current().pid(),
                ThreadLocalRandom.current().nextInt(1 << 24));
        out.println(PREFIX + "Concurrent-KVS demo: a server process and this client process share the store '" + name
                + "'");
        out.println(PREFIX + "starting the server: a separate JVM running 'kvs server --name " + name + " --workers "
                + workers + "'");
        out.flush();
        try (ChildServer server =
                ChildServer.start(name, List.of("--workers", Integer.toString(workers)), out, "[server] ")) {
            // If this process is stopped (Ctrl-C, SIGTERM), take the server and its files down with it.
            Thread cleanup = new Thread(() -> killAndDestroy(server, name), "kvs-demo-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            server.awaitServing(serverTimeout);
            long ops = runClient(name, server.pid(), out);
            showServerCounters(name, ops, out);
            out.println(PREFIX + "stopping the server with SIGTERM, as Ctrl-C in its terminal would");
            out.flush();
            int exit = server.stopGracefully(serverTimeout);
            Runtime.getRuntime().removeShutdownHook(cleanup);
            out.println(PREFIX + "server process " + server.pid() + " exited with code " + exit
                    + (exit == 143 ? " (128 + SIGTERM: a graceful stop)" : ""));
        } finally {
            // After close(): the server process is gone (or was never started) and holds no file.
            removeStore(name, out);
        }
        if (mismatches > 0) {
            spec.commandLine()
                    .getErr()
                    .println(spec.qualifiedName() + ": " + mismatches
                            + " answers differed from the expected ones (marked UNEXPECTED above)");
            return KvsMain.EXIT_ERROR;
        }
        out.println(PREFIX + "done: every answer was as expected. The same by hand, in two terminals:");
        out.println(PREFIX + "  terminal 1:  ./kvs server --name my_kvs");
        out.println(PREFIX + "  terminal 2:  ./kvs set --name my_kvs user:1 Ada && ./kvs get --name my_kvs user:1");
        out.flush();
        return KvsMain.EXIT_OK;
    }

    /**
     * Removes the demo's store file (its entries) and any region left, saying so; on failure says that
     * instead, without hiding the error that may be under way.
     */
    private static void removeStore(String name, PrintWriter out) {
        StoreFiles files = StoreFiles.of(name);
        boolean hadStore = Files.exists(files.store());
        try {
            KvsServer.destroy(name);
            if (hadStore) {
                out.println(PREFIX + "removed the demo's store file " + files.store() + " ('kvs destroy'): a"
                        + " server on a name of your own keeps its entries across restarts");
            }
        } catch (KvsException e) {
            out.println(PREFIX + "could not remove the demo's store file " + files.store() + ": "
                    + OneLineErrors.describe(e));
        }
        out.flush();
    }

    /** For the shutdown hook: the server process goes first, so that nothing holds the files any more. */
    private static void killAndDestroy(ChildServer server, String name) {
        server.close();
        try {
            KvsServer.destroy(name);
        } catch (KvsException | IllegalArgumentException e) {
            // The JVM is going down: nowhere to report it, and the main thread may have removed it already.
        }
    }

    /** Runs and shows every operation; returns how many requests it sent. */
    private long runClient(String name, long serverPid, PrintWriter out) {
        try (KvsClient<String, String> client = KvsClient.connect(name, Codecs.string(), Codecs.string())) {
            out.println(CLIENT + "connected to '" + name + "' (client pid "
                    + ProcessHandle.current().pid()
                    + ", server pid " + serverPid + "), keys up to "
                    + client.connection().maxKeyBytes()
                    + " B, values up to " + client.connection().maxValueBytes() + " B");
            out.println(CLIENT + "blocking calls (timeout 5000 ms by default):");
            step(out, "set", "user:1 = \"Ada Lovelace\"", client.set("user:1", "Ada Lovelace"), true, "stored");
            step(out, "get", "user:1", client.get("user:1"), Optional.of("Ada Lovelace"), "found");
            step(out, "set", "user:1 = \"Ada King\"", client.set("user:1", "Ada King"), true, "updated");
            step(
                    out,
                    "post",
                    "user:1 = \"Grace Hopper\"",
                    client.post("user:1", "Grace Hopper"),
                    false,
                    "key exists: post never overwrites");
            step(out, "get", "user:1", client.get("user:1"), Optional.of("Ada King"), "unchanged by the post");
            step(out, "post", "user:2 = \"Grace Hopper\"", client.post("user:2", "Grace Hopper"), true, "inserted");
            step(out, "del", "user:1", client.del("user:1"), true, "deleted");
            step(out, "get", "user:1", client.get("user:1"), Optional.empty(), "absent");
            step(out, "del", "user:1", client.del("user:1"), false, "was absent");
            step(out, "set", "empty = \"\"", client.set("empty", ""), true, "an empty value is a value");
            step(out, "get", "empty", client.get("empty"), Optional.of(""), "found, empty");

            out.println(CLIENT + "async calls (CompletableFuture; sent together, answered by the poller thread):");
            List<CompletableFuture<Boolean>> sets = List.of(
                    client.setAsync("lang:1", "Java"),
                    client.setAsync("lang:2", "C++"),
                    client.setAsync("lang:3", "Rust"));
            out.println(CLIENT + "sent 3 setAsync without waiting; joining them");
            step(out, "set*3", "lang:1..3 = Java, C++, Rust", joinAll(sets), List.of(true, true, true), "all stored");
            List<CompletableFuture<Optional<String>>> gets = Stream.of("lang:1", "lang:2", "lang:3", "lang:4")
                    .map(client::getAsync)
                    .collect(Collectors.toList());
            step(
                    out,
                    "get*4",
                    "lang:1..4",
                    joinAll(gets),
                    List.of(Optional.of("Java"), Optional.of("C++"), Optional.of("Rust"), Optional.empty()),
                    "lang:4 absent");
            CompletableFuture<Boolean> post = client.postAsync("lang:1", "Kotlin");
            CompletableFuture<Boolean> del = client.delAsync("lang:2");
            step(out, "post", "lang:1 = \"Kotlin\" (async)", post.join(), false, "key exists");
            step(out, "del", "lang:2 (async)", del.join(), true, "deleted");
            step(
                    out,
                    "get",
                    "lang:3 .thenApply(toUpperCase)",
                    client.getAsync("lang:3")
                            .thenApply(v -> v.map(s -> s.toUpperCase(Locale.ROOT)))
                            .join(),
                    Optional.of("RUST"),
                    "composed on the future");
            return 11 + 3 + 4 + 3 + runReactive(client, out);
        }
    }

    /**
     * The Reactor view of the same connection: a cold {@code Mono} (nothing sent before it is subscribed)
     * and a {@code setAll} that asks its upstream for no more than its window ahead of the results.
     * Returns how many requests it sent.
     */
    private long runReactive(KvsClient<String, String> client, PrintWriter out) {
        ReactiveKvsClient<String, String> rx =
                ReactiveKvsClient.create(client.connection(), Codecs.string(), Codecs.string());
        out.println(CLIENT + "reactive calls (Project Reactor, same connection; nothing is sent before a subscribe):");
        Mono<Optional<String>> get = rx.get("lang:3");
        step(out, "get", "lang:3 (Mono<Optional<String>>)", get.block(), Optional.of("Rust"), "found");
        Mono<Boolean> cold = rx.set("lazy:1", "cold");
        step(
                out,
                "get",
                "lazy:1 (a set Mono, unsubscribed)",
                client.get("lazy:1"),
                Optional.empty(),
                "absent: a Mono nobody subscribed sends nothing");
        step(out, "set", "lazy:1 = \"cold\" .block()", cold.block(), true, "sent at the subscribe");
        step(out, "get", "lazy:1", rx.get("lazy:1").block(), Optional.of("cold"), "found");

        AtomicLong firstRequest = new AtomicLong();
        AtomicLong largestRequest = new AtomicLong();
        Flux<Map.Entry<String, String>> rows = Flux.range(1, SET_ALL_ROWS)
                .map(i -> Map.entry("city:" + i, "city number " + i))
                .doOnRequest(n -> {
                    firstRequest.compareAndSet(0, n);
                    largestRequest.accumulateAndGet(n, Math::max);
                });
        List<Boolean> stored = rx.setAll(rows, SET_ALL_WINDOW).collectList().block();
        step(
                out,
                "setAll",
                "city:1.." + SET_ALL_ROWS + " (window " + SET_ALL_WINDOW + ")",
                countTrue(stored),
                SET_ALL_ROWS + " x true",
                "one result per row, in order");
        step(
                out,
                "",
                "  rows asked of the upstream",
                "first " + firstRequest.get() + ", never more than " + Math.max(SET_ALL_WINDOW, largestRequest.get()),
                "first " + SET_ALL_WINDOW + ", never more than " + SET_ALL_WINDOW,
                "backpressure: at most the window ahead");
        List<Optional<String>> read = rx.getAll(Flux.just("city:1", "city:" + SET_ALL_ROWS, "city:0"))
                .collectList()
                .block();
        step(
                out,
                "getAll",
                "city:1, city:" + SET_ALL_ROWS + ", city:0",
                read,
                List.of(Optional.of("city number 1"), Optional.of("city number " + SET_ALL_ROWS), Optional.empty()),
                "in input order; city:0 absent");
        return 1 + 1 + 1 + 1 + SET_ALL_ROWS + 3;
    }

    /** "N x true" when every result is true, else the results themselves. */
    private static String countTrue(List<Boolean> results) {
        boolean allTrue = results != null && results.stream().allMatch(Boolean.TRUE::equals);
        return allTrue ? results.size() + " x true" : String.valueOf(results);
    }

    private static <T> List<T> joinAll(List<CompletableFuture<T>> futures) {
        return futures.stream().map(CompletableFuture::join).collect(Collectors.toList());
    }

    private <T> void step(PrintWriter out, String op, String args, T actual, T expected, String meaning) {
        boolean ok = Objects.equals(actual, expected);
        if (!ok) {
            mismatches++;
        }
        out.println(String.format(
                Locale.ROOT,
                "%s  %-6s %-34s -> %-34s %s",
                CLIENT,
                op,
                args,
                show(actual),
                ok ? meaning : "UNEXPECTED: expected " + show(expected)));
        out.flush();
    }

    private static String show(Object value) {
        if (value instanceof Optional<?>) {
            Optional<?> optional = (Optional<?>) value;
            return optional.map(v -> "\"" + v + "\"").orElse("(absent)");
        }
        if (value instanceof List<?>) {
            return ((List<?>) value).stream().map(DemoCommand::show).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    /** Shows the server's own counters once its heartbeat has published this client's requests. */
    private void showServerCounters(String name, long ops, PrintWriter out) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        KvsStats stats = KvsStats.read(name);
        // Counters are published every heartbeat (100 ms): wait for ours to show, but never for long.
        while (stats.totalOps() < ops && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            stats = KvsStats.read(name);
        }
        out.println("stats     the server's shared counters, as 'kvs stats --name " + name + "' reads them:");
        out.println("stats     " + StatsReport.totals(stats, Instant.now()).get(0));
        if (stats.totalOps() < ops) {
            out.println("stats     (the server had not yet published all " + ops + " requests)");
        }
        out.flush();
    }
}
