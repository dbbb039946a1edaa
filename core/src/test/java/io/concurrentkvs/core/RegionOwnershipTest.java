package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.internal.region.LockProcesses;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import io.concurrentkvs.core.internal.store.StoreFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may create, replace or unlink a name's files: only the holder of its lock, and never a file that is not
 * ours. One JVM, threads racing; it-tests cover processes.
 */
class RegionOwnershipTest {
    private final String name = "kvs-own-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);
    private final Path path = Path.of("/dev/shm", name);
    private final Path lockPath = Path.of("/dev/shm", name + ".lock");

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        KvsServer.destroy(name);
        try (var files = Files.list(Path.of("/dev/shm"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(name)))
                    .isEmpty();
        }
    }

    private KvsServer.Builder small(Path at) {
        return KvsServer.builder(name)
                .path(at)
                .workers(1)
                .ringSize(64)
                .maxClients(2)
                .responseSlotsPerClient(8)
                .maxKeyBytes(32)
                .maxValueBytes(64)
                .maxEntries(100)
                .maxDataBytes(1 << 16);
    }

    @Test
    void twoServersRacingToStartOnOneNameLeaveExactlyOneServingItsOwnRegion() throws Exception {
        for (int round = 0; round < 40; round++) {
            try (KvsServer a = small(path).build();
                    KvsServer b = small(path).build()) {
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<CompletableFuture<Object>> outcomes = new ArrayList<>();
                for (KvsServer server : List.of(a, b)) {
                    outcomes.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            barrier.await();
                            return server.start();
                        } catch (RuntimeException e) {
                            return e;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                Object first = outcomes.get(0).get();
                Object second = outcomes.get(1).get();
                List<Object> both = List.of(first, second);
                assertThat(both)
                        .as("round %d", round)
                        .filteredOn(Boolean.TRUE::equals)
                        .hasSize(1);
                assertThat(both)
                        .as("round %d", round)
                        .filteredOn(o -> o instanceof KvsRegionInUseException)
                        .hasSize(1);
                // The winner's region is the one at the path: clients reach it.
                assertThat(Files.exists(path))
                        .as("round %d: region at %s", round, path)
                        .isTrue();
                try (KvsConnection conn = KvsConnection.connect(name)) {
                    AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
                    c.set("k", "v" + round).join();
                    assertThat(c.get("k").join()).contains("v" + round);
                }
            }
        }
    }

    @Test
    void aRegionStillBeingInitialisedByALiveOwnerIsNeverUnlinked() throws Exception {
        // Another live owner, in another process: it holds the name's lock and has written our magic only.
        byte[] header = new byte[RegionHeaderDescriptor.HEADER_LENGTH];
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putLong(0, RegionHeaderDescriptor.MAGIC);
        Files.write(path, header);
        LockProcesses.Holder owner = LockProcesses.startHolder(path);
        try (KvsServer server = small(path).build()) {
            assertThatThrownBy(server::start)
                    .isInstanceOfSatisfying(
                            KvsRegionInUseException.class,
                            e -> assertThat(e.pid()).isEqualTo(owner.pid()));
            assertThat(Files.readAllBytes(path)).isEqualTo(header);
            assertThatThrownBy(() -> KvsServer.destroy(path))
                    .isInstanceOf(KvsRegionInUseException.class)
                    .hasMessageContaining("live process " + owner.pid());
            assertThat(Files.readAllBytes(path)).isEqualTo(header);
            assertThat(Files.exists(StoreFile.pathFor(path)))
                    .as("no store file made without the lock")
                    .isFalse();
            assertThat(LockProcesses.probe(lockPath)).isEqualTo("HELD length=32 pid=" + owner.pid());
        } finally {
            owner.release();
            Files.deleteIfExists(path);
        }
    }

    @Test
    void aSecondServerOrADestroyInTheServersOwnJvmIsRefusedAndTheServerKeepsItsLock() throws Exception {
        long me = ProcessHandle.current().pid();
        try (KvsServer server = small(path).build();
                KvsServer second = small(path).build()) {
            server.start();
            assertThat(LockProcesses.probe(lockPath)).isEqualTo("HELD length=32 pid=" + me);
            assertThatThrownBy(second::start).isInstanceOfSatisfying(KvsRegionInUseException.class, e -> {
                assertThat(e.pid()).isEqualTo(me);
                assertThat(e.getMessage()).contains(lockPath.toString());
            });
            assertThatThrownBy(() -> KvsServer.destroy(name)).isInstanceOf(KvsRegionInUseException.class);
            KvsStats.read(name); // reads the store file beside the region from the server's own process
            // Only another process can see whether a close in this one dropped the lock.
            assertThat(LockProcesses.probe(lockPath)).isEqualTo("HELD length=32 pid=" + me);
            try (KvsConnection conn = KvsConnection.connect(name)) {
                AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
                assertThat(c.set("k", "v").join()).isTrue();
            }
        }
        assertThat(LockProcesses.probe(lockPath)).isEqualTo("ABSENT");
    }

    @Test
    void aRegionOfOursADeadServerLeftHalfInitialisedIsTakenOver() throws Exception {
        byte[] header = new byte[RegionHeaderDescriptor.HEADER_LENGTH];
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putLong(0, RegionHeaderDescriptor.MAGIC);
        Files.write(path, header);
        try (KvsServer server = small(path).build()) {
            assertThat(server.start()).isTrue();
            assertThat(Region.peekEpoch(path)).isNotZero();
        }
    }

    @Test
    void aUsersTextFileAtTheRegionPathIsRefusedAndKept() throws Exception {
        Path userFile = dir.resolve("notes.txt");
        byte[] text = "my precious notes\n".getBytes(StandardCharsets.UTF_8);
        Files.write(userFile, text);
        try (KvsServer server = small(userFile).build()) {
            assertThatThrownBy(server::start)
                    .isInstanceOf(KvsIncompatibleRegionException.class)
                    .hasMessageContaining(userFile.toString());
        }
        assertThat(Files.readAllBytes(userFile)).isEqualTo(text);
    }

    @Test
    void aUsersRandomFileAtTheRegionPathIsRefusedAndKept() throws Exception {
        Path userFile = dir.resolve("data.bin");
        byte[] bytes = new byte[64 * 1024];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] = 1; // never our magic
        Files.write(userFile, bytes);
        try (KvsServer server = small(userFile).build()) {
            assertThatThrownBy(server::start)
                    .isInstanceOf(KvsIncompatibleRegionException.class)
                    .hasMessageContaining(userFile.toString());
        }
        assertThat(Files.readAllBytes(userFile)).isEqualTo(bytes);
    }

    @Test
    void aUsersFileAtTheStorePathIsRefusedAndKeptEvenWhenFresh() throws Exception {
        Path region = dir.resolve("region");
        Path userFile = dir.resolve("region.store");
        byte[] text = "not a store\n".getBytes(StandardCharsets.UTF_8);
        Files.write(userFile, text);
        try (KvsServer server = small(region).fresh(true).build()) {
            assertThatThrownBy(server::start)
                    .isInstanceOf(KvsIncompatibleRegionException.class)
                    .hasMessageContaining(userFile.toString());
        }
        assertThat(Files.readAllBytes(userFile)).isEqualTo(text);
    }

    @Test
    void destroyIsRefusedWhileAServerHoldsTheLockAndTheLockFileGoesWithTheServer() {
        try (KvsServer server = small(path).build()) {
            server.start();
            assertThat(Files.exists(lockPath)).isTrue();
            assertThatThrownBy(() -> KvsServer.destroy(name))
                    .isInstanceOf(KvsRegionInUseException.class)
                    .hasMessageContaining(lockPath.toString());
            server.stop();
            assertThat(Files.exists(lockPath)).isFalse();
            server.start();
        }
        assertThat(Files.exists(lockPath)).isFalse();
        assertThat(Files.exists(path)).isFalse();
    }
}
