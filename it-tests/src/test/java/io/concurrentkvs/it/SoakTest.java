package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsStats;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Soak: several client JVMs run random operations against one server JVM while, at random, a client is
 * killed with {@code kill -9} and replaced, a client is frozen with SIGSTOP for longer than the stall
 * timeout (so its claimed slots are skipped and its entry may be reaped) and then continued, or the
 * server itself is killed with {@code kill -9} and a new server adopts its store; at the end every key of every client process that ever
 * ran is read back and checked against that process's journaled model ({@link Journal}): every
 * acknowledged write must be readable unless a later acknowledged write or delete replaced it. A killed
 * process's requests that were in flight when it died may or may not have been applied; the model
 * accepts either outcome for those keys, and only for those.
 *
 * <p>Each client process has its own keys, so each model is exact despite the concurrency. Runs for
 * {@code -Dkvs.soak.seconds} (default 90) of load; prints its counts as a {@code SOAK RESULT} line.
 */
class SoakTest {
    private static final int SLOTS = 3;
    private static final int KEYS = 64;
    private static final int WINDOW = 16;
    /** Paced, so that journals stay a few megabytes; a soak is about time and kills, not throughput. */
    private static final int BATCHES_PER_SECOND = 100;

    private static final Duration STALL_TIMEOUT = Duration.ofMillis(300);
    /** A frozen client stays frozen for this many stall timeouts, at least. */
    private static final int FREEZE_STALL_TIMEOUTS = 3;

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void acknowledgedWritesSurviveRandomClientAndServerKillsAndFrozenClientsUnderLoad() throws IOException {
        long seconds = Long.getLong("kvs.soak.seconds", 90);
        long seed = Long.getLong("kvs.soak.seed", System.nanoTime());
        System.out.println("soak: " + seconds + " s, seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        ServerProcess server = ServerProcess.start(processes, "soak", serverArgs());
        String name = server.name();

        List<LoadClient> all = new ArrayList<>();
        List<LoadClient> running = new ArrayList<>();
        for (int s = 0; s < SLOTS; s++) {
            LoadClient c = startClient(server, all.size(), random);
            all.add(c);
            running.add(c);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        int kills = 0;
        int serverKills = 0;
        int freezes = 0;
        while (System.nanoTime() - deadline < 0) {
            int s = random.nextInt(SLOTS);
            LoadClient victim = running.get(s);
            // A random point in the victim's stream; where that falls relative to claim, publish, answer
            // and journal write is up to the scheduler, which is the point.
            victim.awaitOps(victim.progress().ops() + 1 + random.nextInt(4_000));
            int event = random.nextInt(10);
            if (event < 2) {
                server.child().kill9();
                serverKills++;
                server = ServerProcess.startOn(processes, name, "server-" + serverKills, serverArgs());
            } else if (event < 5) {
                freeze(victim, running);
                freezes++;
            } else {
                victim.child().kill9();
                kills++;
                LoadClient replacement = startClient(server, all.size(), random);
                all.add(replacement);
                running.set(s, replacement);
            }
        }

        // Failures while the server was down or the client frozen are expected (and journaled as
        // uncertain); a wrong answer or an unexpected error is not.
        long survivorProblems = 0;
        long survivorFailures = 0;
        for (LoadClient c : running) {
            LoadClient.Counts result = c.stop();
            survivorProblems += result.mismatches() + result.otherErrors();
            survivorFailures += result.timeouts() + result.unavailable();
        }

        // Read back every key of every client process, killed or not, and compare with its journal.
        long ops = 0;
        long checkedKeys = 0;
        long uncertainKeys = 0;
        long lost = 0;
        long journalMismatches = 0;
        List<String> lostKeys = new ArrayList<>();
        try (KvsConnection conn = KvsConnection.connect(server.name())) {
            KvsClient<String, String> reader = KvsClient.of(conn, Codecs.string(), Codecs.string());
            for (LoadClient c : all) {
                Journal.Replay replay = Journal.replay(c.journal());
                ops += replay.acknowledged();
                journalMismatches += replay.mismatches();
                for (int k = 0; k < c.keys(); k++) {
                    String key = "c" + c.id() + ":k" + k;
                    Optional<String> stored = reader.get(key, 30_000);
                    String state = stored.orElse(CandidateModel.ABSENT);
                    checkedKeys++;
                    if (replay.model().candidates(key).size() > 1) {
                        uncertainKeys++;
                    }
                    if (!replay.model().allows(key, state)) {
                        lost++;
                        if (lostKeys.size() < 20) {
                            lostKeys.add(key + " holds " + state + ", journal allows "
                                    + replay.model().candidates(key));
                        }
                    }
                }
            }
        }
        KvsStats stats = KvsStats.read(server.name());
        System.out.printf(
                "SOAK RESULT: seconds=%d clientProcesses=%d kills=%d serverKills=%d freezes=%d ops=%d "
                        + "checkedKeys=%d uncertainKeys=%d lost=%d journalMismatches=%d survivorProblems=%d "
                        + "survivorFailures=%d lastServer: clientsReclaimed=%d skippedSlots=%d seed=%d%n",
                seconds,
                all.size(),
                kills,
                serverKills,
                freezes,
                ops,
                checkedKeys,
                uncertainKeys,
                lost,
                journalMismatches,
                survivorProblems,
                survivorFailures,
                stats.clientsReclaimed(),
                stats.skippedSlots(),
                seed);
        lostKeys.forEach(l -> System.out.println("LOST " + l));

        assertThat(kills + serverKills + freezes).as("events").isGreaterThanOrEqualTo(3);
        assertThat(lost).as("acknowledged writes lost").isZero();
        assertThat(journalMismatches)
                .as("answers the killed clients' models did not allow")
                .isZero();
        assertThat(survivorProblems)
                .as("mismatches and failures of the clients still running")
                .isZero();
        assertThat(checkedKeys).isEqualTo((long) all.size() * KEYS);
        assertThat(server.child().isAlive()).isTrue();
    }

    private static String[] serverArgs() {
        return new String[] {
            Args.of("workers", 2), Args.of("maxClients", 32), Args.of("stallTimeoutMs", STALL_TIMEOUT.toMillis())
        };
    }

    /**
     * Freezes {@code victim} with SIGSTOP until both {@link #FREEZE_STALL_TIMEOUTS} stall timeouts have
     * passed and every other running client has settled more requests meanwhile (so the ring kept moving
     * past whatever the frozen one held), then continues it.
     */
    private static void freeze(LoadClient victim, List<LoadClient> running) {
        List<LoadClient> others = new ArrayList<>(running);
        others.remove(victim);
        long[] before = others.stream().mapToLong(c -> c.progress().ops()).toArray();
        long frozenAt = System.nanoTime();
        victim.child().pause();
        try {
            await("others to progress while " + victim.child() + " is frozen")
                    .atMost(LoadClient.PROGRESS_TIMEOUT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (System.nanoTime() - frozenAt < FREEZE_STALL_TIMEOUTS * STALL_TIMEOUT.toNanos()) {
                            return false;
                        }
                        for (int i = 0; i < others.size(); i++) {
                            if (others.get(i).progress().ops() <= before[i]) {
                                return false;
                            }
                        }
                        return true;
                    });
        } finally {
            victim.child().resume();
        }
    }

    private LoadClient startClient(ServerProcess server, int id, SplittableRandom random) {
        return LoadClient.start(
                processes, server.name(), id, KEYS, WINDOW, random.nextLong(), true, BATCHES_PER_SECOND);
    }
}
