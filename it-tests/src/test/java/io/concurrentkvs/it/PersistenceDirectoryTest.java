package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.FsyncPolicy;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.internal.region.RegionPaths;
import io.concurrentkvs.core.internal.store.StoreFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persistence directory as a server JVM meets it (SPEC 7.2, issue 13): a directory that is missing,
 * not writable, not a directory at all, or already another server's fails the start with a {@link
 * io.concurrentkvs.core.KvsException} whose message names it, and leaves no shared memory behind; an
 * orderly stop followed by {@link KvsServer#destroy(String)} (the reboot case: the shared memory is gone,
 * the directory stays) loses nothing.
 */
class PersistenceDirectoryTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String[] STORE_ARGS = {Args.of("maxEntries", 4096), Args.of("maxDataBytes", 4L << 20)};

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @TempDir
    Path temp;

    @Test
    void aMissingDirectoryFailsTheStartNamingIt() {
        Path missing = temp.resolve("no-such-dir");
        assertRefusedNaming(missing, "missing");
        assertThat(missing)
                .as("a missing directory is not created behind the user's back")
                .doesNotExist();
    }

    @Test
    void aDirectoryTheServerCannotWriteFailsTheStartNamingIt() throws IOException {
        Path readOnly = Files.createDirectory(temp.resolve("read-only"));
        Set<PosixFilePermission> before = Files.getPosixFilePermissions(readOnly);
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // As root, permission bits do not bind (access(2) says writable): then there is nothing to test.
            assumeThat(Files.isWritable(readOnly))
                    .as("the directory is read-only for this user")
                    .isFalse();
            assertRefusedNaming(readOnly, "read-only");
        } finally {
            Files.setPosixFilePermissions(readOnly, before); // so that @TempDir can remove it
        }
    }

    @Test
    void aRegularFileInsteadOfADirectoryFailsTheStartNamingIt() throws IOException {
        Path file = Files.writeString(temp.resolve("a-file"), "not a directory");
        assertRefusedNaming(file, "file");
        assertThat(Files.readString(file)).as("the file the server refused").isEqualTo("not a directory");
    }

    @Test
    void aSecondServerOnTheSameDirectoryFailsTheStartNamingIt() {
        Path shared = temp;
        ServerProcess first = ServerProcess.start(processes, "persist-owner", withDirectory(shared));
        assertRefusedNaming(shared, "second");
        // The refusal did not disturb the owner: it still serves, and still logs.
        try (KvsClient<String, String> kvs = KvsClient.connect(first.name(), Codecs.string(), Codecs.string())) {
            assertThat(kvs.set("after-refusal", "still-serving")).isTrue();
            assertThat(kvs.get("after-refusal")).contains("still-serving");
        }
        assertThat(first.child().isAlive()).isTrue();
    }

    @Test
    void aRefusedStartLeavesNoSharedMemoryBehind() {
        // A name nobody served before: whatever the refused server created in /dev/shm is its own leftover
        // (a store file is sized for maxDataBytes, 280 MB by default).
        String name = assertRefusedNaming(temp.resolve("no-such-dir"), "leftover");
        Path region = RegionPaths.defaultPath(name);
        assertThat(List.of(region, StoreFile.pathFor(region)))
                .as("shared memory a refused server left")
                .noneMatch(Files::exists);
    }

    @Test
    void aGracefulStopThenDestroyThenRestartRecoversEveryWrite() {
        String name = ProcessFixture.uniqueName("persist-reboot");
        ServerProcess server = ServerProcess.startOn(processes, name, "server-before", withDirectory(temp));
        assertThat(KvsStats.read(name).fsyncPolicy())
                .as("the default policy with persistence")
                .contains(FsyncPolicy.EVERY_SECOND);
        Map<String, String> expected = new HashMap<>();
        try (KvsClient<String, String> kvs = KvsClient.connect(name, Codecs.string(), Codecs.string())) {
            for (int i = 0; i < 600; i++) {
                String value = i % 50 == 0 ? "" : "value-" + i + "-" + "y".repeat(i % 97);
                assertThat(kvs.set("k" + i, value)).isTrue();
                expected.put("k" + i, value);
            }
            for (int i = 0; i < 600; i += 3) {
                String value = "overwritten-" + i;
                assertThat(kvs.set("k" + i, value)).isTrue();
                expected.put("k" + i, value);
            }
            for (int i = 1; i < 600; i += 7) {
                assertThat(kvs.del("k" + i)).isTrue();
                expected.remove("k" + i);
            }
            for (int i = 600; i < 650; i++) {
                assertThat(kvs.post("k" + i, "posted-" + i)).isTrue();
                expected.put("k" + i, "posted-" + i);
            }
            assertThat(kvs.post("k0", "not-posted")).as("POST of a present key").isFalse();
        }
        server.stopGracefully();
        KvsServer.destroy(name);
        Path region = RegionPaths.defaultPath(name);
        assertThat(StoreFile.pathFor(region)).as("store file after destroy").doesNotExist();

        ServerProcess successor = ServerProcess.startOn(processes, name, "server-after", withDirectory(temp));
        assertThat(successor.readyEntries())
                .as("entries recovered from the directory")
                .isEqualTo(expected.size());
        try (KvsClient<String, String> kvs = KvsClient.connect(name, Codecs.string(), Codecs.string())) {
            for (int i = 0; i < 650; i++) {
                String key = "k" + i;
                assertThat(kvs.get(key)).as("recovered %s", key).isEqualTo(Optional.ofNullable(expected.get(key)));
            }
        }
        KvsStats stats = KvsStats.read(name);
        assertThat(stats.fsyncPolicy()).contains(FsyncPolicy.EVERY_SECOND);
        assertThat(stats.logBytes() + stats.snapshotBytes())
                .as("bytes of log and snapshot")
                .isPositive();
    }

    /**
     * Starts a server on {@code directory} that must refuse to start: checks its {@code FAILED} line (a
     * {@code KvsException} naming the directory) and its exit code; returns the store name it was given.
     */
    private String assertRefusedNaming(Path directory, String label) {
        String name = ProcessFixture.uniqueName("persist-" + label);
        // Cleans up after the test if the refused server left files; the assertions below say whether it did.
        processes.destroyStoreAfterTest(name);
        ProcessFixture.Child child = processes.start(
                "refused-" + label, ServerMain.class, concat(Args.of("name", name), withDirectory(directory)));
        await(child + " to refuse or start")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !child.isAlive()
                        || child.findLine("FAILED").isPresent()
                        || child.findLine("READY").isPresent());
        assertThat(child.findLine("READY"))
                .as("%s started on %s", child, directory)
                .isEmpty();
        String failure = child.awaitLine("FAILED", PATIENCE);
        assertThat(failure)
                .as("the refusal of %s", child)
                .matches("FAILED type=io\\.concurrentkvs\\.core\\.Kvs\\w*Exception message=.*")
                .contains(directory.toAbsolutePath().toString());
        assertThat(child.awaitExit(PATIENCE)).as("exit code of %s", child).isEqualTo(ServerMain.EXIT_FAILED);
        return name;
    }

    private static String[] withDirectory(Path directory) {
        return concat(Args.of("persistence", directory.toAbsolutePath()), STORE_ARGS);
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
