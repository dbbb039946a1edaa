package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.internal.persist.LogWriter;
import io.concurrentkvs.core.internal.persist.Persistence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Persistence through a real server in this JVM: every policy recovers what was written once the shared
 * memory is gone, snapshots keep the directory bounded and recover exactly, a store of the directory's
 * history is adopted, conflicts and bad directories fail at start with a clear message, and a full disk
 * refuses writes with a {@link KvsException} instead of losing them. (it-tests do the same across real
 * processes and {@code kill -9}.)
 */
class PersistenceTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private final String name = "kvs-persist-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        KvsServer.destroy(name);
    }

    private KvsServer.Builder server(FsyncPolicy policy) {
        return KvsServer.builder(name)
                .workers(2)
                .maxKeyBytes(32)
                .maxValueBytes(512)
                .maxEntries(20_000)
                .maxDataBytes(8 << 20)
                .persistence(dir)
                .fsync(policy);
    }

    private static Persistence.Tuning tuning(long snapshotMinLogBytes, LogWriter.PreallocationFault fault) {
        // 16 KiB reserved ahead: a simulated full disk is noticed within a few dozen writes.
        return new Persistence.Tuning(snapshotMinLogBytes, 16 << 10, 10, fault, 1 << 20);
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void writesSurviveTheLossOfTheSharedMemory(FsyncPolicy policy) {
        Map<String, String> model = new HashMap<>();
        try (KvsServer server = server(policy).build()) {
            server.start();
            try (KvsConnection conn = KvsConnection.connect(name)) {
                AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
                List<CompletableFuture<Boolean>> pending = new ArrayList<>();
                for (int i = 0; i < 3000; i++) {
                    String key = "k" + (i % 700);
                    if (i % 7 == 3) {
                        pending.add(c.del(key));
                        model.remove(key);
                    } else if (i % 11 == 5) {
                        boolean absent = !model.containsKey(key);
                        pending.add(c.post(key, "p" + i));
                        if (absent) {
                            model.put(key, "p" + i);
                        }
                    } else {
                        pending.add(c.set(key, "v" + i));
                        model.put(key, "v" + i);
                    }
                }
                pending.forEach(CompletableFuture::join);
            }
        }
        KvsServer.destroy(name);
        try (KvsServer recovered = server(policy).build()) {
            recovered.start();
            assertThat(recovered.storageSize()).isEqualTo(model.size());
            assertContents(model);
        }
    }

    @Test
    void snapshotsRetireTheLogAndRecoverExactly() throws IOException {
        Map<String, String> model = new HashMap<>();
        try (KvsServer server = server(FsyncPolicy.EVERY_SECOND)
                .persistenceTuning(tuning(256 << 10, LogWriter.PreallocationFault.NONE))
                .build()) {
            server.start();
            try (KvsConnection conn = KvsConnection.connect(name)) {
                AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
                String padding = "x".repeat(300);
                for (int round = 0; round < 8; round++) {
                    List<CompletableFuture<Boolean>> pending = new ArrayList<>();
                    for (int i = 0; i < 1000; i++) {
                        String key = "k" + (i % 200);
                        String value = round + "-" + i + padding;
                        pending.add(c.set(key, value));
                        model.put(key, value);
                    }
                    pending.forEach(CompletableFuture::join);
                }
                await().atMost(PATIENCE)
                        .until(() -> KvsStats.read(name).lastSnapshot().isPresent());
                KvsStats stats = KvsStats.read(name);
                assertThat(stats.fsyncPolicy()).contains(FsyncPolicy.EVERY_SECOND);
                assertThat(stats.snapshotBytes()).isPositive();
            }
        }
        // 8 rounds of 1,000 writes of ~330 bytes made about 2.7 MB of log; snapshots keep a fraction of it.
        assertThat(directoryBytes()).isLessThan(2L << 20);
        KvsServer.destroy(name);
        try (KvsServer recovered = server(FsyncPolicy.EVERY_SECOND).build()) {
            recovered.start();
            assertThat(recovered.storageSize()).isEqualTo(model.size());
            assertContents(model);
        }
    }

    @Test
    void aStoreOfTheDirectorysHistoryIsAdoptedAndWritesAfterARestartAreKept() {
        try (KvsServer server = server(FsyncPolicy.NEVER).build()) {
            server.start();
            try (KvsConnection conn = KvsConnection.connect(name)) {
                AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
                c.set("a", "1").join();
                server.stop();
                server.start();
                await().atMost(PATIENCE).until(conn::isConnected);
                assertThat(c.get("a").join()).contains("1");
                c.set("b", "2").join();
                c.del("a").join();
            }
        }
        KvsServer.destroy(name);
        try (KvsServer recovered = server(FsyncPolicy.NEVER).build()) {
            recovered.start();
            assertContents(Map.of("b", "2"));
            assertThat(recovered.storageSize()).isEqualTo(1);
        }
    }

    @Test
    void aStoreOfAnotherHistoryBesideAPersistedDirectoryIsRefused() {
        try (KvsServer server = server(FsyncPolicy.EVERY_SECOND).build()) {
            server.start();
            set("a", "1");
        }
        KvsServer.destroy(name);
        try (KvsServer plain = KvsServer.builder(name)
                .workers(1)
                .maxKeyBytes(32)
                .maxValueBytes(512)
                .maxEntries(20_000)
                .maxDataBytes(8 << 20)
                .build()) {
            plain.start();
            set("other", "data");
        }
        try (KvsServer server = server(FsyncPolicy.EVERY_SECOND).build()) {
            assertThatThrownBy(server::start)
                    .isInstanceOf(KvsException.class)
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("destroy");
        }
        KvsServer.destroy(name);
        try (KvsServer server = server(FsyncPolicy.EVERY_SECOND).build()) {
            server.start();
            assertContents(Map.of("a", "1"));
        }
    }

    @Test
    void freshDiscardsTheDirectorysHistoryToo() {
        try (KvsServer server = server(FsyncPolicy.ALWAYS).build()) {
            server.start();
            set("a", "1");
        }
        try (KvsServer server = server(FsyncPolicy.ALWAYS).fresh(true).build()) {
            server.start();
            assertThat(server.storageSize()).isZero();
        }
        KvsServer.destroy(name);
        try (KvsServer server = server(FsyncPolicy.ALWAYS).build()) {
            server.start();
            assertThat(server.storageSize()).isZero();
        }
    }

    @Test
    void badDirectoriesFailAtStartNamingTheDirectory() throws IOException {
        Path missing = dir.resolve("missing");
        assertStartFails(KvsServer.builder(name).persistence(missing), "does not exist");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertStartFails(KvsServer.builder(name).persistence(file), "not a directory");
        Path foreign = Files.createDirectory(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertStartFails(KvsServer.builder(name).persistence(foreign), "not a Concurrent-KVS persistence directory");
        assertThat(foreign.resolve("notes.txt")).hasContent("mine");
        Path full = Files.createDirectory(dir.resolve("full"));
        assertStartFails(
                KvsServer.builder(name)
                        .persistence(full)
                        .persistenceTuning(new Persistence.Tuning(
                                64 << 20, 1 << 20, 10, LogWriter.PreallocationFault.NONE, Long.MAX_VALUE)),
                "full disk");
        assertThat(KvsServer.builder(name).build().storePath())
                .as("a refused start leaves no store file")
                .doesNotExist();
        assertThatThrownBy(
                        () -> KvsServer.builder(name).fsync(FsyncPolicy.ALWAYS).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("persistence");
    }

    @Test
    void twoServersNeverWriteOneDirectory() {
        try (KvsServer first = server(FsyncPolicy.EVERY_SECOND).build()) {
            first.start();
            String otherName = name + "-other";
            try (KvsServer second =
                    KvsServer.builder(otherName).persistence(dir).build()) {
                assertThatThrownBy(second::start)
                        .isInstanceOf(KvsException.class)
                        .hasMessageContaining("in use by another server");
            } finally {
                KvsServer.destroy(otherName);
            }
        }
    }

    @Test
    void aFullDiskRefusesWritesWithAKvsExceptionAndTheyResumeWhenSpaceReturns() {
        AtomicBoolean diskFull = new AtomicBoolean();
        try (KvsServer server = server(FsyncPolicy.ALWAYS)
                .persistenceTuning(tuning(64 << 20, diskFull::get))
                .build()) {
            server.start();
            try (KvsConnection conn = KvsConnection.connect(name)) {
                AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
                assertThat(c.set("before", "1").join()).isTrue();
                diskFull.set(true);
                String big = "y".repeat(500);
                // The log reserves space ahead; once a write needs more than it has, writes are refused.
                await().atMost(PATIENCE)
                        .untilAsserted(
                                () -> assertThatThrownBy(() -> c.set("k", big).join())
                                        .isInstanceOf(CompletionException.class)
                                        .hasCauseInstanceOf(KvsException.class)
                                        .cause()
                                        .hasMessageContaining("full"));
                assertThat(c.get("before").join()).contains("1");
                // Counters are published once per heartbeat.
                await().atMost(PATIENCE).until(() -> KvsStats.read(name).persistenceRefusals() > 0);
                diskFull.set(false);
                await().atMost(PATIENCE)
                        .untilAsserted(
                                () -> assertThat(c.set("after", "2").join()).isTrue());
            }
        }
        KvsServer.destroy(name);
        try (KvsServer recovered = server(FsyncPolicy.ALWAYS).build()) {
            recovered.start();
            assertThat(getValue("before")).contains("1");
            assertThat(getValue("after")).contains("2");
        }
    }

    private void assertStartFails(KvsServer.Builder builder, String message) {
        try (KvsServer server = builder.build()) {
            assertThatThrownBy(server::start).isInstanceOf(KvsException.class).hasMessageContaining(message);
        }
    }

    private void set(String key, String value) {
        try (KvsConnection conn = KvsConnection.connect(name)) {
            assertThat(conn.async(Codecs.string(), Codecs.string())
                            .set(key, value)
                            .join())
                    .isTrue();
        }
    }

    private java.util.Optional<String> getValue(String key) {
        try (KvsConnection conn = KvsConnection.connect(name)) {
            return conn.async(Codecs.string(), Codecs.string()).get(key).join();
        }
    }

    private void assertContents(Map<String, String> model) {
        try (KvsConnection conn = KvsConnection.connect(name)) {
            AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertThat(c.get(e.getKey()).join()).as(e.getKey()).contains(e.getValue());
            }
        }
    }

    private long directoryBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
