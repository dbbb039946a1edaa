package io.concurrentkvs.core.internal.persist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The snapshot format: round trips, and any damage at all is an exception, never a short read. */
class SnapshotFormatTest {
    private static final long HISTORY = TestLog.HISTORY;

    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private Path write(long seq, List<Op> entries) throws IOException {
        try (SnapshotWriter w = SnapshotWriter.create(dir, HISTORY, seq, 1_700_000_000_000L)) {
            for (Op e : entries) {
                byte[] padded = LogFormatTest.concat(new byte[] {9, 9}, e.value);
                w.add(e.key, e.key.length, padded, 2, e.value.length);
            }
            assertThat(w.entries()).isEqualTo(entries.size());
            return w.commit();
        }
    }

    private static List<Op> randomEntries(Random random, int n) {
        List<Op> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(Op.set(
                    TestLog.randomBytes(random, random.nextInt(41)), TestLog.randomBytes(random, random.nextInt(301))));
        }
        return entries;
    }

    @Test
    void entriesRoundTripInOrderWithDuplicateKeys() throws IOException {
        List<Op> entries = List.of(
                Op.set(b("a"), b("1")),
                Op.set(b("b"), b("")),
                Op.set(b("a"), b("2")),
                Op.set(b(""), b("empty key")),
                Op.set(b("a"), b("3")));
        Path file = write(42, entries);
        assertThat(file).isEqualTo(PersistFiles.snapshotPath(dir, 42));
        Op.Collector c = new Op.Collector();
        assertThat(SnapshotReader.read(file, HISTORY, 42, c)).isEqualTo(5);
        assertThat(c.ops).containsExactlyElementsOf(entries);
    }

    @Test
    void anEmptySnapshotRoundTrips() throws IOException {
        Path file = write(1, List.of());
        assertThat(Files.size(file)).isEqualTo(64 + 24);
        assertThat(SnapshotReader.read(file, HISTORY, 1, new Op.Collector())).isZero();
    }

    @Test
    void entriesLargerThanTheWriteBufferAndManyEntriesRoundTrip() throws IOException {
        Random random = new Random(5);
        List<Op> entries = new ArrayList<>(randomEntries(random, 20_000));
        entries.add(
                100,
                Op.set(
                        TestLog.randomBytes(random, PersistLayout.MAX_KEY_LENGTH),
                        TestLog.randomBytes(random, PersistLayout.MAX_VALUE_LENGTH)));
        entries.add(5000, Op.set(b("big"), TestLog.randomBytes(random, (1 << 20) - 20)));
        Path file = write(2, entries);
        Op.Collector c = new Op.Collector();
        assertThat(SnapshotReader.read(file, HISTORY, 2, c)).isEqualTo(entries.size());
        assertThat(c.ops).containsExactlyElementsOf(entries);
    }

    @Test
    void bytesWrittenIsTheFileLengthAfterCommit() throws IOException {
        try (SnapshotWriter w = SnapshotWriter.create(dir, HISTORY, 3, 0)) {
            w.add(b("k"), 1, b("v"), 0, 1);
            assertThat(w.bytesWritten()).isEqualTo(64 + 24);
            Path file = w.commit();
            assertThat(w.bytesWritten()).isEqualTo(Files.size(file)).isEqualTo(64 + 24 + 24);
        }
    }

    @Test
    void anUncommittedSnapshotLeavesNoFileAndTheTempIsOwnerOnly() throws IOException {
        try (SnapshotWriter w = SnapshotWriter.create(dir, HISTORY, 4, 0)) {
            w.add(b("k"), 1, b("v"), 0, 1);
            Path temp = PersistFiles.tempOf(PersistFiles.snapshotPath(dir, 4));
            assertThat(temp).exists();
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp)))
                        .isEqualTo("rw-------");
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aStaleTempFromADeadWriterIsReplaced() throws IOException {
        Files.write(PersistFiles.tempOf(PersistFiles.snapshotPath(dir, 6)), b("garbage"));
        Path file = write(6, List.of(Op.set(b("k"), b("v"))));
        assertThat(SnapshotReader.read(file, HISTORY, 6, new Op.Collector())).isOne();
        assertThat(PersistFiles.tempOf(file)).doesNotExist();
    }

    @Test
    void writersRejectEntriesOutOfBoundsAndAddsAfterCommit() throws IOException {
        try (SnapshotWriter w = SnapshotWriter.create(dir, HISTORY, 7, 0)) {
            assertThatThrownBy(() -> w.add(
                            new byte[PersistLayout.MAX_KEY_LENGTH + 1],
                            PersistLayout.MAX_KEY_LENGTH + 1,
                            new byte[0],
                            0,
                            0))
                    .isInstanceOf(IllegalArgumentException.class);
            w.commit();
            assertThatThrownBy(() -> w.add(b("k"), 1, b("v"), 0, 1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void truncationAtAnyOffsetIsAlwaysAnException() throws IOException {
        Random random = new Random(23);
        Path file = write(8, randomEntries(random, 300));
        byte[] written = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.kvssnap");
        for (int iteration = 0; iteration < 1500; iteration++) {
            // Every offset near the end (the trailer and the last entries), random ones elsewhere.
            int length = iteration < 400 ? written.length - 1 - iteration : random.nextInt(written.length);
            Files.write(cut, Arrays.copyOf(written, length));
            assertThatThrownBy(() -> SnapshotReader.read(cut, HISTORY, 8, new Op.Collector()))
                    .as("cut at %d", length)
                    .isInstanceOf(PersistenceFormatException.class);
        }
    }

    @Test
    void flippedBytesAnywhereAreAlwaysAnException() throws IOException {
        Random random = new Random(29);
        Path file = write(9, randomEntries(random, 300));
        byte[] written = Files.readAllBytes(file);
        Path damaged = dir.resolve("damaged.kvssnap");
        for (int iteration = 0; iteration < 3000; iteration++) {
            byte[] bytes = written.clone();
            int at = random.nextInt(bytes.length);
            bytes[at] ^= (byte) (1 + random.nextInt(255));
            Files.write(damaged, bytes);
            assertThatThrownBy(() -> SnapshotReader.read(damaged, HISTORY, 9, new Op.Collector()))
                    .as("flip at %d", at)
                    .isInstanceOf(PersistenceFormatException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 24})
    void trailingBytesAfterTheTrailerAreAnException(int extra) throws IOException {
        Path file = write(10, List.of(Op.set(b("k"), b("v"))));
        Files.write(file, LogFormatTest.concat(Files.readAllBytes(file), new byte[extra]));
        assertThatThrownBy(() -> SnapshotReader.read(file, HISTORY, 10, new Op.Collector()))
                .isInstanceOf(PersistenceFormatException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 10, 12, 16, 24, 32, 40, 59, 60})
    void aCorruptedHeaderByteIsRejectedNamingItsField(int offset) throws IOException {
        Path file = write(11, List.of(Op.set(b("k"), b("v"))));
        byte[] bytes = Files.readAllBytes(file);
        bytes[offset] ^= 0x10;
        Files.write(file, bytes);
        assertThatThrownBy(() -> SnapshotReader.read(file, HISTORY, 11, new Op.Collector()))
                .isInstanceOfSatisfying(
                        PersistenceFormatException.class,
                        e -> assertThat(e.offset()).isEqualTo(LogFormatTest.expectedField(offset)));
    }

    @Test
    void aSnapshotOfAnotherHistoryOrSeqOrALogIsRejected() throws IOException {
        Path file = write(12, List.of());
        assertThatThrownBy(() -> SnapshotReader.read(file, HISTORY + 1, 12, new Op.Collector()))
                .isInstanceOfSatisfying(
                        PersistenceFormatException.class,
                        e -> assertThat(e.offset()).isEqualTo(16));
        assertThatThrownBy(() -> SnapshotReader.read(file, HISTORY, 13, new Op.Collector()))
                .isInstanceOfSatisfying(
                        PersistenceFormatException.class,
                        e -> assertThat(e.offset()).isEqualTo(24));
        Path log = Files.write(dir.resolve("log"), Arrays.copyOf(new TestLog(12).bytes(), 200));
        assertThatThrownBy(() -> SnapshotReader.read(log, HISTORY, 12, new Op.Collector()))
                .isInstanceOfSatisfying(
                        PersistenceFormatException.class,
                        e -> assertThat(e.offset()).isZero());
    }
}
