package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.core.internal.region.RegionPaths;
import io.concurrentkvs.core.internal.store.StoreFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hostile process writes garbage into a live server's store file ({@link StoreScribblerMain}: segment
 * headers, index words, page map, data pages and, aimed through the index, live records) while client JVMs
 * ({@link SelfCheckingClientMain}) write and read self-describing values. The server must keep serving,
 * with every worker alive, and no read may ever return a value that was never written for its key (a
 * damaged entry may read as absent, or as an older value of that key). Then the server is stopped and a
 * new one adopts the scribbled file: it must start, drop what is damaged (counted in
 * {@link Counters#CORRUPT_ENTRIES}), again return only values written for their keys, and serve new writes
 * exactly ({@link LoadClientMain}'s strict model on keys of its own).
 */
class HostileStoreTest {
    private static final int CLIENTS = 2;
    private static final int KEYS = 256;
    private static final int WINDOW = 16;
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    /**
     * A small store, yet with room for a partly used page per segment and size class (16 x 23 pages of 32 KiB
     * would be 12 MiB): the values span most size classes.
     */
    private static final String[] SERVER_ARGS = {
        Args.of("workers", 2), Args.of("maxEntries", 4096), Args.of("maxDataBytes", 16L << 20)
    };

    private static final Pattern COUNTS = Pattern.compile(".*ops=(\\d+) reads=(\\d+) found=(\\d+) invalid=(\\d+) "
            + "unwritten=(\\d+) capacity=(\\d+) timeouts=(\\d+) unavailable=(\\d+) otherErrors=(\\d+).*");
    private static final Pattern VERSION = Pattern.compile(".* version=(\\d+)$");
    private static final Pattern DONE = Pattern.compile("DONE scribbles=(\\d+)");

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void garbageInTheStoreFileNeverReadsAsAValueThatWasNotWritten() {
        long seed = Long.getLong("kvs.hostile.seed", System.nanoTime());
        System.out.println("hostile store seed " + seed);
        String name = ProcessFixture.uniqueName("hostile-store");
        ServerProcess server = ServerProcess.startOn(processes, name, "server-1", SERVER_ARGS);

        List<ProcessFixture.Child> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(startClient(name, "client-" + c, c, seed + c, 0));
        }
        clients.forEach(c -> awaitOps(c, 2_000)); // the store holds entries before the scribbling starts

        ProcessFixture.Child scribbler = processes.start(
                "scribbler",
                StoreScribblerMain.class,
                Args.of("path", StoreFile.pathFor(RegionPaths.defaultPath(name))),
                Args.of("seed", seed),
                Args.of("perSecond", 5_000));
        scribbler.awaitLine("READY", ServerProcess.STARTUP);
        long[] before = clients.stream().mapToLong(c -> counts(c)[0]).toArray();
        scribbler.send("go");
        for (int c = 0; c < CLIENTS; c++) {
            awaitOps(clients.get(c), before[c] + 30_000);
            assertThat(server.child().isAlive())
                    .as("server alive under scribbling")
                    .isTrue();
        }
        scribbler.send("stop");
        Matcher done = DONE.matcher(scribbler.awaitLine("DONE", ServerProcess.STARTUP));
        assertThat(done.matches()).isTrue();
        assertThat(Long.parseLong(done.group(1))).as("scribbles").isPositive();

        // Still serving once the scribbling has stopped, and no answer was ever a value never written.
        long[] after = clients.stream().mapToLong(c -> counts(c)[0]).toArray();
        long lastVersion = 0;
        for (int c = 0; c < CLIENTS; c++) {
            awaitOps(clients.get(c), after[c] + 2_000);
            lastVersion = Math.max(lastVersion, checkResult(clients.get(c), "while scribbled on", true));
        }
        long corruptSeen = PublishedCounters.read(name, Counters.CORRUPT_ENTRIES);
        assertThat(corruptSeen)
                .as("damaged entries the server detected (the scribbler hit live records)")
                .isPositive();
        assertThat(server.child().isAlive()).isTrue();
        assertNoWorkerFailures(server);

        // Adoption over garbage: the next server starts, drops what is damaged, serves only written values.
        server.stopGracefully();
        ServerProcess successor = ServerProcess.startOn(processes, name, "server-2", SERVER_ARGS);
        long adopted = successor.readyEntries();
        long dropped = PublishedCounters.read(name, Counters.CORRUPT_ENTRIES);
        List<ProcessFixture.Child> readers = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            readers.add(startClient(name, "reader-" + c, c, seed + 10 + c, lastVersion));
        }
        LoadClient strict = LoadClient.start(processes, name, 100, KEYS, WINDOW, seed, false, 0);
        for (ProcessFixture.Child r : readers) {
            awaitOps(r, 5_000);
        }
        strict.awaitOps(5_000);
        for (ProcessFixture.Child r : readers) {
            checkResult(r, "after adoption", false);
        }
        LoadClient.Counts exact = strict.stop();
        assertThat(exact.mismatches())
                .as("answers on new keys the strict model did not allow")
                .isZero();
        assertThat(exact.unavailable() + exact.timeouts() + exact.otherErrors())
                .as("failures on new keys")
                .isZero();
        // Adoption kept only intact entries: serving them found none damaged.
        assertThat(PublishedCounters.read(name, Counters.CORRUPT_ENTRIES))
                .as("damaged entries after adoption")
                .isEqualTo(dropped);
        assertThat(successor.child().isAlive()).isTrue();
        assertNoWorkerFailures(successor);
        System.out.printf(
                "hostile store: %s; %d damaged entries detected while serving; successor adopted %d "
                        + "entries and dropped %d index words or entries as damaged%n",
                done.group(), corruptSeen, adopted, dropped);
    }

    private ProcessFixture.Child startClient(String name, String label, int client, long seed, long lastVersion) {
        ProcessFixture.Child child = processes.start(
                label,
                SelfCheckingClientMain.class,
                Args.of("name", name),
                Args.of("client", client),
                Args.of("keys", KEYS),
                Args.of("window", WINDOW),
                Args.of("seed", seed),
                Args.of("versionFrom", lastVersion),
                Args.of("acceptUpTo", lastVersion));
        child.awaitLine("READY", ServerProcess.STARTUP);
        child.send("go");
        return child;
    }

    /**
     * Stops a client, checks its result and returns the last version it wrote. Refusals for lack of room are
     * allowed only while scribbled on (garbage index words can fill a segment's index).
     */
    private static long checkResult(ProcessFixture.Child client, String when, boolean scribbled) {
        client.send("stop");
        String line = client.awaitLine("RESULT", PATIENCE);
        System.out.println(client + " " + when + ": " + line);
        client.lines().stream()
                .filter(l -> l.startsWith("PROBLEM"))
                .forEach(l -> System.out.println(client + ": " + l));
        assertThat(client.awaitExit(PATIENCE)).as("exit code of %s", client).isZero();
        long[] n = parse(line);
        assertThat(n[3])
                .as("values read %s that are no value of their key (torn, foreign, garbage)", when)
                .isZero();
        assertThat(n[4])
                .as("values read %s that were never written for their key", when)
                .isZero();
        assertThat(n[6] + n[7] + n[8])
                .as("timeouts, unavailable and other failures %s", when)
                .isZero();
        if (!scribbled) {
            assertThat(n[5]).as("writes refused for lack of room %s", when).isZero();
        }
        assertThat(n[2]).as("values found %s", when).isPositive();
        Matcher version = VERSION.matcher(line);
        assertThat(version.matches()).isTrue();
        return Long.parseLong(version.group(1));
    }

    private static void assertNoWorkerFailures(ServerProcess server) {
        assertThat(server.child().errorLines())
                .as("exceptions caught in or escaping from %s's workers", server.child())
                .noneMatch(l -> l.contains("failed") || l.contains("Exception"));
    }

    private static void awaitOps(ProcessFixture.Child client, long ops) {
        await(client + " to reach " + ops + " ops")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!client.isAlive()) {
                        throw new IllegalStateException(client + " exited early");
                    }
                    return counts(client)[0] >= ops;
                });
    }

    /** The counts of the client's last PROGRESS line (zeros before the first). */
    private static long[] counts(ProcessFixture.Child client) {
        List<String> lines = client.lines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("PROGRESS")) {
                return parse(lines.get(i));
            }
        }
        return new long[9];
    }

    private static long[] parse(String line) {
        Matcher m = COUNTS.matcher(line);
        assertThat(m.matches()).as("counts in '%s'", line).isTrue();
        long[] n = new long[9];
        for (int i = 0; i < n.length; i++) {
            n[i] = Long.parseLong(m.group(i + 1));
        }
        return n;
    }
}
