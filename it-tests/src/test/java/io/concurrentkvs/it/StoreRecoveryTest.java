package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsRegionInUseException;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.core.internal.region.RegionPaths;
import io.concurrentkvs.core.internal.store.StoreFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store outlives its server: a server JVM is killed with {@code kill -9} (or stopped the orderly way)
 * under a write storm from three client JVMs, a new server JVM on the same name adopts the store file,
 * and every write a client was told succeeded is there.
 *
 * <p>Each client ({@link LoadClientMain}) journals every request and its outcome ({@link Journal}) and
 * pauses at the first request that fails because the server is gone, so when the successor is up the
 * store is exactly what the dying server left, and the journals say what it may hold: the answer of every
 * acknowledged write is certain, a write in flight at the kill may have been applied or not
 * ({@link CandidateModel}). The test then reads every key of every client through its own connection and
 * checks it against the replayed journals (0 lost), and checks that the successor's entry count (its
 * {@code storageSize()} and the published counter) is the number of keys found. The kill comes after a
 * random number of acknowledged operations, not after a sleep, so it lands anywhere in the stream.
 */
class StoreRecoveryTest {
    private static final int CLIENTS = 3;
    private static final int KEYS = 256;
    private static final int WINDOW = 32;
    private static final int KILL_ROUNDS = 10;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** A small store, so that each server start reserves megabytes, not the default 280 MB. */
    private static final String[] SERVER_ARGS = {
        Args.of("workers", 2), Args.of("maxEntries", 4096), Args.of("maxDataBytes", 4L << 20)
    };

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void everyAcknowledgedWriteSurvivesKillsAndAGracefulStopOfTheServer() throws IOException {
        long seed = Long.getLong("kvs.recovery.seed", System.nanoTime());
        System.out.println("store recovery seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        String name = ProcessFixture.uniqueName("recovery");
        ServerProcess server = ServerProcess.startOn(processes, name, "server-0", SERVER_ARGS);
        assertThat(server.readyEntries()).isZero();

        List<LoadClient> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(LoadClient.start(
                    processes,
                    name,
                    c,
                    KEYS,
                    WINDOW,
                    random.nextLong(),
                    true,
                    0,
                    Args.of("reads", 10),
                    Args.of("pauseOnUnavailable", true)));
        }
        long verified = 0;
        long[] ackedAtPause = new long[CLIENTS];
        for (int round = 1; round <= KILL_ROUNDS + 1; round++) {
            boolean graceful = round == KILL_ROUNDS + 1;
            for (int c = 0; c < CLIENTS; c++) {
                // Each client has had an answer since it resumed, so each pauses at the server's end.
                clients.get(c).awaitAckedBeyond(ackedAtPause[c]);
            }
            LoadClient trigger = clients.get(random.nextInt(CLIENTS));
            trigger.awaitAckedBeyond(trigger.progress().acked() + 200 + random.nextInt(3_000));
            if (graceful) {
                server.stopGracefully();
            } else {
                server.child().kill9();
            }
            for (int c = 0; c < CLIENTS; c++) {
                ackedAtPause[c] = clients.get(c).awaitPaused(round).acked();
            }
            server = ServerProcess.startOn(processes, name, "server-" + round, SERVER_ARGS);
            verified += verifyAdopted(name, server, clients, (graceful ? "graceful stop " : "kill ") + round);
            if (graceful) {
                // An orderly stop leaves no write half done: the successor had nothing to repair.
                assertThat(server.child().errorLines())
                        .as("adoption warnings after a graceful stop")
                        .noneMatch(l -> l.contains("repaired"));
            }
            for (LoadClient c : clients) {
                c.resume(round);
            }
        }
        for (LoadClient c : clients) {
            // The clients' own checks: every answer matched their model, across all eleven restarts.
            LoadClient.Counts result = c.stop();
            assertThat(result.mismatches())
                    .as("answers %s's model did not allow", c.child())
                    .isZero();
            assertThat(result.timeouts()).as("timeouts of %s", c.child()).isZero();
            assertThat(result.otherErrors())
                    .as("unexpected failures of %s", c.child())
                    .isZero();
        }
        System.out.printf("store recovery: %d restarts, %d key states verified%n", KILL_ROUNDS + 1, verified);
    }

    /**
     * Reads back every key of every client from the freshly started {@code server} and checks it against the
     * clients' journals; returns the keys checked.
     */
    private static long verifyAdopted(String name, ServerProcess server, List<LoadClient> clients, String when)
            throws IOException {
        long adopted = server.readyEntries();
        long present = 0;
        long uncertain = 0;
        List<String> lost = new ArrayList<>();
        ConnectionOptions options = ConnectionOptions.builder()
                .defaultTimeout(Duration.ofSeconds(30))
                .build();
        try (KvsClient<String, String> reader = KvsClient.connect(name, options, Codecs.string(), Codecs.string())) {
            for (LoadClient c : clients) {
                Journal.Replay replay = Journal.replay(c.journal());
                assertThat(replay.mismatches())
                        .as("answers %s saw that its journal does not allow (%s)", c.child(), when)
                        .isZero();
                for (int k = 0; k < c.keys(); k++) {
                    String key = "c" + c.id() + ":k" + k;
                    String state = reader.get(key).orElse(CandidateModel.ABSENT);
                    Set<String> allowed = replay.model().candidates(key);
                    if (!allowed.contains(state)) {
                        lost.add(key + " holds '" + state + "', the journal allows " + allowed);
                    }
                    if (!state.equals(CandidateModel.ABSENT)) {
                        present++;
                    }
                    if (allowed.size() > 1) {
                        uncertain++;
                    }
                }
            }
        }
        System.out.printf(
                "after %s: %d entries adopted, %d keys present, %d uncertain (in flight at the end)%n",
                when, adopted, present, uncertain);
        assertThat(lost)
                .as("acknowledged writes lost or changed after %s", when)
                .isEmpty();
        assertThat(adopted).as("entries the successor adopted after %s", when).isEqualTo(present);
        long found = present;
        await("the published entry count after " + when)
                .atMost(PATIENCE)
                .until(() -> KvsStats.read(name).storedEntries() == found);
        // A crash between a write's steps never damages an intact entry: adoption dropped nothing.
        assertThat(PublishedCounters.read(name, Counters.CORRUPT_ENTRIES))
                .as("corrupt entries after %s", when)
                .isZero();
        return (long) clients.size() * KEYS;
    }

    @Test
    void freshStartsEmptyAndDestroyIsRefusedWhileAServerServes() {
        String name = ProcessFixture.uniqueName("destroy");
        Path region = RegionPaths.defaultPath(name);
        Path store = StoreFile.pathFor(region);
        ServerProcess first = ServerProcess.startOn(processes, name, "first", SERVER_ARGS);
        try (KvsClient<String, String> kvs = KvsClient.connect(name, Codecs.string(), Codecs.string())) {
            for (int i = 0; i < 50; i++) {
                assertThat(kvs.set("k" + i, "v" + i)).isTrue();
            }
        }
        assertThatThrownBy(() -> KvsServer.destroy(name))
                .isInstanceOfSatisfying(
                        KvsRegionInUseException.class,
                        e -> assertThat(e.pid()).isEqualTo(first.child().pid()));
        assertThat(region).as("region after a refused destroy").exists();
        assertThat(store).as("store file after a refused destroy").exists();

        // After an orderly stop the data is still there for the next server; fresh(true) discards it.
        first.stopGracefully();
        assertThat(store).as("store file after a graceful stop").exists();
        ServerProcess fresh = ServerProcess.startOn(processes, name, "fresh", withArgs(Args.of("fresh", true)));
        assertThat(fresh.readyEntries()).as("entries of a fresh server").isZero();
        try (KvsClient<String, String> kvs = KvsClient.connect(name, Codecs.string(), Codecs.string())) {
            assertThat(kvs.get("k0")).as("a key the discarded store held").isEmpty();
            assertThat(kvs.set("after-fresh", "x")).isTrue();
        }
        assertThatThrownBy(() -> KvsServer.destroy(region)).isInstanceOf(KvsRegionInUseException.class);
        fresh.stopGracefully();

        // Stopped: destroy removes everything, and the next server starts empty.
        KvsServer.destroy(name);
        assertThat(store).as("store file after destroy").doesNotExist();
        assertThat(region).as("region after destroy").doesNotExist();
        ServerProcess afterDestroy = ServerProcess.startOn(processes, name, "after-destroy", SERVER_ARGS);
        assertThat(afterDestroy.readyEntries()).as("entries after destroy").isZero();

        // A killed server's leftovers (its region and its store file) are removed as well.
        afterDestroy.child().kill9();
        assertThat(region).as("region a killed server left").exists();
        KvsServer.destroy(name);
        assertThat(store).doesNotExist();
        assertThat(region).doesNotExist();
    }

    private static String[] withArgs(String... more) {
        List<String> args = new ArrayList<>(List.of(SERVER_ARGS));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
