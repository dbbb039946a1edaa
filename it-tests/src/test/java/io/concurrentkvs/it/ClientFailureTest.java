package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.internal.region.RegionPaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client processes killed with {@code kill -9}: under load at random moments, and between claiming a
 * ring slot and publishing it. The server and the other clients keep being served, and the dead
 * clients' table entries are reclaimed.
 */
class ClientFailureTest {
    private static final Duration RECLAIM = Duration.ofSeconds(60);
    /** Short, so that a stalled slot is skipped quickly; the server's default is 2 s. */
    private static final int STALL_TIMEOUT_MS = 300;

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void deadClientsAreReclaimedAndOthersKeepBeingServed() {
        long seed = System.nanoTime();
        System.out.println("kill moments from seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        int slots = 4;
        int killsPerSlot = 5;
        ServerProcess server = ServerProcess.start(
                processes,
                "clientkill",
                Args.of("maxClients", 32),
                Args.of("workers", 2),
                Args.of("stallTimeoutMs", STALL_TIMEOUT_MS));
        // The survivor checks every answer against its model for the whole test.
        LoadClient survivor = LoadClient.start(processes, server.name(), 0, 128, 32, seed, false);
        survivor.awaitOps(1_000);
        await().atMost(RECLAIM).until(() -> KvsStats.read(server.name()).clientsConnected() == 1);
        long connectedBefore = 1;
        long reclaimedBefore = KvsStats.read(server.name()).clientsReclaimed();

        // Several victims at once, each killed after a random amount of work and replaced by a new process.
        List<LoadClient> victims = new ArrayList<>();
        int nextId = 1;
        for (int s = 0; s < slots; s++) {
            victims.add(LoadClient.start(processes, server.name(), nextId++, 64, 16, random.nextLong(), false));
        }
        int kills = 0;
        for (int round = 0; round < killsPerSlot; round++) {
            for (int s = 0; s < slots; s++) {
                LoadClient victim = victims.get(s);
                victim.awaitOps(1 + random.nextInt(3_000));
                long survivorAcked = survivor.progress().acked();
                victim.child().kill9();
                kills++;
                // Served throughout: the survivor gets answers after every kill.
                survivor.awaitAckedBeyond(survivorAcked);
                if (round < killsPerSlot - 1) {
                    victims.set(
                            s, LoadClient.start(processes, server.name(), nextId++, 64, 16, random.nextLong(), false));
                }
            }
        }

        await("dead clients' entries to be reclaimed")
                .atMost(RECLAIM)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> KvsStats.read(server.name()).clientsConnected() == connectedBefore);
        KvsStats stats = KvsStats.read(server.name());
        System.out.printf(
                "client kill test: %d kills, %d reclaimed, %d ring slots skipped, survivor %s%n",
                kills, stats.clientsReclaimed() - reclaimedBefore, stats.skippedSlots(), survivor.progress());
        assertThat(kills).isGreaterThanOrEqualTo(20);
        assertThat(stats.clientsReclaimed() - reclaimedBefore)
                .as("entries reclaimed")
                .isGreaterThanOrEqualTo(kills);

        LoadClient.Counts result = survivor.stop();
        assertThat(result.mismatches()).as("survivor's wrong answers").isZero();
        assertThat(result.timeouts()).as("survivor's timeouts").isZero();
        assertThat(result.unavailable() + result.otherErrors())
                .as("survivor's failures")
                .isZero();
        // A fresh client still gets an entry and is served.
        assertFreshClientIsServed(server.name());
        assertThat(server.child().isAlive()).isTrue();
    }

    @Test
    void aClientKilledBetweenClaimingAndPublishingARingSlotDelaysOthersOnlyUntilTheStallTimeout() {
        ServerProcess server = ServerProcess.start(processes, "halfslot", Args.of("stallTimeoutMs", STALL_TIMEOUT_MS));
        try (KvsConnection conn = KvsConnection.connect(
                server.name(),
                ConnectionOptions.builder()
                        .defaultTimeout(Duration.ofSeconds(30))
                        .build())) {
            AsyncKvsClient<String, String> async = conn.async(Codecs.string(), Codecs.string());
            assertThat(async.set("k", "v").join()).isTrue();
            await().atMost(RECLAIM).until(() -> KvsStats.read(server.name()).clientsConnected() == 1);
            KvsStats before = KvsStats.read(server.name());

            ProcessFixture.Child half = processes.start(
                    "half-written", HalfWrittenSlotMain.class, Args.of("path", RegionPaths.defaultPath(server.name())));
            half.awaitLine("CLAIMED", ServerProcess.STARTUP);
            // Queued behind the claimed, never-published slot: served only once a worker skips it.
            List<CompletableFuture<?>> behind = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                behind.add(async.set("b" + i, "v" + i));
                behind.add(async.get("k"));
            }
            half.kill9();

            for (int i = 0; i < behind.size(); i += 2) {
                assertThat(behind.get(i).join()).isEqualTo(true);
                assertThat(behind.get(i + 1).join()).isEqualTo(Optional.of("v"));
            }
            await("the stalled slot to be counted as skipped")
                    .atMost(RECLAIM)
                    .until(() -> KvsStats.read(server.name()).skippedSlots() > before.skippedSlots());
            await("the dead client's entry to be reclaimed")
                    .atMost(RECLAIM)
                    .until(() -> KvsStats.read(server.name()).clientsConnected() == before.clientsConnected());
            KvsStats after = KvsStats.read(server.name());
            assertThat(after.clientsReclaimed()).isGreaterThan(before.clientsReclaimed());
            assertThat(after.skippedSlots() - before.skippedSlots())
                    .as("slots skipped")
                    .isEqualTo(1);
            assertThat(async.get("b49").join()).contains("v49");
        }
    }

    private static void assertFreshClientIsServed(String name) {
        try (KvsConnection fresh = KvsConnection.connect(name)) {
            AsyncKvsClient<String, String> client = fresh.async(Codecs.string(), Codecs.string());
            assertThat(client.set("fresh", "ok").join()).isTrue();
            assertThat(client.get("fresh").join()).contains("ok");
        }
    }
}
