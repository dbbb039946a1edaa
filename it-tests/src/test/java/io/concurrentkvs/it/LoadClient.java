package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test's handle on one {@link LoadClientMain} child: starts it, reads its {@code PROGRESS} and
 * {@code RESULT} lines, and replays its journal. Used by the test thread only.
 */
final class LoadClient {
    static final Duration PROGRESS_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern COUNTS = Pattern.compile(
            ".*ops=(\\d+) acked=(\\d+) unavailable=(\\d+) timeouts=(\\d+) otherErrors=(\\d+) mismatches=(\\d+).*");

    private final int id;
    private final int keys;
    private final ProcessFixture.Child child;
    private final Path journal;

    private LoadClient(int id, int keys, ProcessFixture.Child child, Path journal) {
        this.id = id;
        this.keys = keys;
        this.child = child;
        this.journal = journal;
    }

    /**
     * Starts instance {@code id} against store {@code name}, waits until it is connected and tells it to
     * go. Its keys are {@code c<id>:k0 .. c<id>:k<keys-1>}, shared with no other instance.
     */
    static LoadClient start(
            ProcessFixture processes, String name, int id, int keys, int window, long seed, boolean journaled) {
        return start(processes, name, id, keys, window, seed, journaled, 0);
    }

    /** As above, at most {@code batchesPerSecond} batches a second (0: no limit). */
    static LoadClient start(
            ProcessFixture processes,
            String name,
            int id,
            int keys,
            int window,
            long seed,
            boolean journaled,
            int batchesPerSecond,
            String... extraArgs) {
        Path journal = journaled
                ? processes.logDirectory().resolve("client-" + id + ".journal").toAbsolutePath()
                : null;
        List<String> args = new ArrayList<>(List.of(
                Args.of("name", name),
                Args.of("client", id),
                Args.of("keys", keys),
                Args.of("window", window),
                Args.of("seed", seed),
                Args.of("batchesPerSecond", batchesPerSecond)));
        if (journal != null) {
            args.add(Args.of("journal", journal));
        }
        args.addAll(List.of(extraArgs));
        ProcessFixture.Child child = processes.start("client-" + id, LoadClientMain.class, args.toArray(String[]::new));
        child.awaitLine("READY", ServerProcess.STARTUP);
        child.send("go");
        return new LoadClient(id, keys, child, journal);
    }

    int id() {
        return id;
    }

    int keys() {
        return keys;
    }

    ProcessFixture.Child child() {
        return child;
    }

    Path journal() {
        return journal;
    }

    /** The latest counts the client printed (zeros before its first report). */
    Counts progress() {
        List<String> lines = child.lines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("PROGRESS") || lines.get(i).startsWith("RESULT")) {
                return Counts.parse(lines.get(i));
            }
        }
        return new Counts(0, 0, 0, 0, 0, 0);
    }

    /** Waits until the client has settled at least {@code ops} requests (answered or failed). */
    void awaitOps(long ops) {
        await(child + " to reach " + ops + " ops")
                .atMost(PROGRESS_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!child.isAlive()) {
                        throw new IllegalStateException(child + " exited early");
                    }
                    return progress().ops() >= ops;
                });
    }

    /** Waits until the client has acknowledged answers beyond {@code acked}. */
    void awaitAckedBeyond(long acked) {
        await(child + " to get answers beyond " + acked)
                .atMost(PROGRESS_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> progress().acked() > acked);
    }

    /**
     * Waits until a client started with {@code pauseOnUnavailable} has paused for the {@code n}-th time
     * (its journal is then complete and it sends nothing), and returns its counts at that moment.
     */
    Counts awaitPaused(long n) {
        return Counts.parse(child.awaitLine("PAUSED n=" + n + " ", PROGRESS_TIMEOUT));
    }

    /** Ends the {@code n}-th pause and waits until the client is attached to a server again. */
    void resume(long n) {
        child.send("resume");
        assertThat(child.awaitLine("RESUMED n=" + n + " ", PROGRESS_TIMEOUT))
                .as("%s resumed", child)
                .endsWith("connected=true");
    }

    /** Tells the client to stop, waits for its final check and returns its result. */
    Counts stop() {
        child.send("stop");
        String line = child.awaitLine("RESULT", PROGRESS_TIMEOUT);
        System.out.println(child + ": " + line);
        child.lines().stream().filter(l -> l.startsWith("PROBLEM")).forEach(l -> System.out.println(child + ": " + l));
        assertThat(child.awaitExit(Duration.ofSeconds(60)))
                .as("exit code of %s", child)
                .isZero();
        return Counts.parse(line);
    }

    /** A client's counters: see {@link LoadClientMain}. */
    record Counts(long ops, long acked, long unavailable, long timeouts, long otherErrors, long mismatches) {
        static Counts parse(String line) {
            Matcher m = COUNTS.matcher(line);
            assertThat(m.matches()).as("counts in '%s'", line).isTrue();
            return new Counts(
                    Long.parseLong(m.group(1)),
                    Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)),
                    Long.parseLong(m.group(5)),
                    Long.parseLong(m.group(6)));
        }
    }
}
