package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.reactive.ReactiveKvsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * Compaction keeps the persistence directory bounded (SPEC 7.2, issue 13): one million overwrites of a
 * thousand keys through a real server JVM, the directory's size sampled throughout, then a recovery from
 * the directory alone.
 *
 * <p>The bound, {@link #BOUND}: the log is snapshotted once it has grown past 64 MiB, and the snapshot of
 * a thousand 384-byte values is under half a MiB; while the snapshot is written the log keeps growing, and
 * the old generation is retired only once the new manifest is in place, so at most about two log
 * generations coexist (128 MiB) plus slack for a snapshot that a loaded machine delays. Without
 * compaction the storm writes more than {@link #UNCOMPACTED_BYTES_AT_LEAST} (a million values of 384 bytes
 * before any framing), about twice the bound, so a directory that is never compacted fails the test.
 */
class PersistenceCompactionTest {
    private static final int KEYS = 1_000;
    private static final int WRITES = 1_000_000;
    private static final int VALUE_BYTES = 384;
    private static final int WINDOW = 256;
    private static final long MIB = 1L << 20;
    /** The most the directory may hold at any sample. */
    static final long BOUND = 200 * MIB;
    /** The value bytes alone of all the writes: what an uncompacted log would exceed. */
    static final long UNCOMPACTED_BYTES_AT_LEAST = (long) WRITES * VALUE_BYTES;

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration STORM_LIMIT = Duration.ofMinutes(4);

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @TempDir
    Path directory;

    @Test
    void aMillionOverwritesOfAThousandKeysKeepTheDirectoryBoundedAndRecoverTheLastValues() throws Exception {
        assertThat(UNCOMPACTED_BYTES_AT_LEAST)
                .as("the storm must be able to break the bound")
                .isGreaterThan(BOUND);
        String name = ProcessFixture.uniqueName("persist-compaction");
        String[] serverArgs = {
            Args.of("workers", 2),
            Args.of("maxEntries", 4 * KEYS),
            Args.of("maxDataBytes", 16 * MIB),
            Args.of("persistence", directory.toAbsolutePath())
        };
        ServerProcess server = ServerProcess.startOn(processes, name, "server-storm", serverArgs);

        long[] largest = {0};
        long[] samples = {0};
        ConnectionOptions options = ConnectionOptions.builder()
                .defaultTimeout(Duration.ofSeconds(30))
                .build();
        try (KvsConnection conn = KvsConnection.connect(name, options)) {
            ReactiveKvsClient<String, String> kvs = ReactiveKvsClient.create(conn, Codecs.string(), Codecs.string());
            Flux<Map.Entry<String, String>> writes = Flux.range(0, WRITES).map(i -> Map.entry(key(i % KEYS), value(i)));
            CompletableFuture<Long> acknowledged = CompletableFuture.supplyAsync(() -> kvs.setAll(writes, WINDOW)
                    .filter(Boolean::booleanValue)
                    .count()
                    .block(STORM_LIMIT));
            // Each poll is a sample; one over the bound fails the test at once, with the directory's listing.
            await("the storm")
                    .atMost(STORM_LIMIT.plusSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        long size = sample(largest, samples);
                        assertThat(size)
                                .as("bytes in %s during the storm: %s", directory, listing())
                                .isLessThan(BOUND);
                        return acknowledged.isDone();
                    });
            assertThat(acknowledged.join()).as("writes acknowledged").isEqualTo(WRITES);
        }
        // The log grew past the trigger: a snapshot must follow, and retire it.
        await("a snapshot after the storm")
                .atMost(PATIENCE)
                .until(() -> KvsStats.read(name).lastSnapshot().isPresent());
        KvsStats stats = KvsStats.read(name);
        long after = sample(largest, samples);
        System.out.printf(
                "compaction: %d samples, largest %.1f MiB, %.1f MiB at the end (log %d B, snapshot %d B);"
                        + " without compaction more than %.1f MiB%n",
                samples[0],
                largest[0] / (double) MIB,
                after / (double) MIB,
                stats.logBytes(),
                stats.snapshotBytes(),
                UNCOMPACTED_BYTES_AT_LEAST / (double) MIB);
        assertThat(after)
                .as("bytes in %s after the storm: %s", directory, listing())
                .isLessThan(BOUND);
        assertThat(stats.snapshotBytes()).as("snapshot bytes").isPositive();

        // The reboot case: shared memory gone, the directory alone must hold every key's last value.
        server.stopGracefully();
        KvsServer.destroy(name);
        ServerProcess successor = ServerProcess.startOn(processes, name, "server-recovered", serverArgs);
        assertThat(successor.readyEntries()).as("entries recovered").isEqualTo(KEYS);
        try (KvsConnection conn = KvsConnection.connect(name, options)) {
            ReactiveKvsClient<String, String> kvs = ReactiveKvsClient.create(conn, Codecs.string(), Codecs.string());
            // getAll answers in the order of its keys.
            List<Optional<String>> read = kvs.getAll(Flux.range(0, KEYS).map(PersistenceCompactionTest::key), WINDOW)
                    .collectList()
                    .block(PATIENCE);
            assertThat(read).hasSize(KEYS);
            for (int k = 0; k < KEYS; k++) {
                // The last write of key k is the largest i below WRITES with i % KEYS == k.
                assertThat(read.get(k)).as("recovered value of %s", key(k)).contains(value(WRITES - KEYS + k));
            }
        }
    }

    private static String key(int k) {
        return "key-" + k;
    }

    /** A value of exactly {@link #VALUE_BYTES} ASCII bytes that names its write. */
    private static String value(int i) {
        String head = "w" + i + ":";
        return head + "v".repeat(VALUE_BYTES - head.length());
    }

    private long sample(long[] largest, long[] samples) {
        long size = directorySize();
        largest[0] = Math.max(largest[0], size);
        samples[0]++;
        return size;
    }

    /** The bytes of every file under the directory now; a file retired while it is listed counts as gone. */
    private long directorySize() {
        long[] total = {0};
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) {
                        total[0] += attributes.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // retired between listing and reading: gone
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total[0];
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    private String listing() {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> directory.relativize(f) + "=" + sizeOrZero(f))
                    .toList()
                    .toString();
        } catch (IOException e) {
            return "(cannot list: " + e + ")";
        }
    }
}
