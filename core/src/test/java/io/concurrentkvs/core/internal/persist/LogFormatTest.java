package io.concurrentkvs.core.internal.persist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The log format: records round-trip, the header is validated field by field, and the scan's stop rules. */
class LogFormatTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void setAndDelRecordsRoundTripInOrder() throws IOException {
        TestLog log = new TestLog(7)
                .add(Op.set(b("a"), b("1")))
                .add(Op.del(b("a")))
                .add(Op.set(b(""), b("")))
                .add(Op.set(b("key"), new byte[1000]))
                .add(Op.del(b("")));
        Op.Collector c = new Op.Collector();
        LogScan scan = LogReader.scan(log.writeTo(dir), TestLog.HISTORY, 7, c);
        assertThat(c.ops).containsExactlyElementsOf(log.ops);
        assertThat(scan.records()).isEqualTo(5);
        assertThat(scan.validEnd()).isEqualTo(log.bytes().length).isEqualTo(scan.fileLength());
        assertThat(scan.stop()).isEqualTo(LogStop.CLEAN_END);
    }

    @Test
    void recordLengthsAreAlignedAndPaddedWithZeros() {
        assertThat(LogRecords.setLength(1, 1)).isEqualTo(24);
        assertThat(LogRecords.setLength(0, 0)).isEqualTo(16);
        assertThat(LogRecords.delLength(9)).isEqualTo(32);
        byte[] buf = new byte[64];
        Arrays.fill(buf, (byte) 0x55);
        int n = LogRecords.writeSet(buf, 8, 1, 64, b("k"), 1, b("xv"), 1, 1, new CRC32C());
        assertThat(n).isEqualTo(24);
        assertThat(Arrays.copyOfRange(buf, 8 + 18, 8 + 24)).containsOnly(0);
        assertThat(buf[8 + 17]).isEqualTo((byte) 'v');
        assertThat(buf[7]).isEqualTo((byte) 0x55);
        assertThat(buf[32]).isEqualTo((byte) 0x55);
    }

    @Test
    void writersRejectLengthsOutOfBounds() {
        assertThatThrownBy(() -> LogRecords.setLength(PersistLayout.MAX_KEY_LENGTH + 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogRecords.setLength(0, PersistLayout.MAX_VALUE_LENGTH + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogRecords.delLength(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogRecords.writeDel(new byte[64], 0, 1, 60, b("k"), 1, new CRC32C()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordsOfTheLargestSizesRoundTripThroughTheBoundedWindow() throws IOException {
        Random random = new Random(1);
        TestLog log = new TestLog(1)
                .add(Op.set(
                        TestLog.randomBytes(random, PersistLayout.MAX_KEY_LENGTH),
                        TestLog.randomBytes(random, PersistLayout.MAX_VALUE_LENGTH)))
                .add(Op.set(b("small"), b("v")))
                .add(Op.set(b("two"), TestLog.randomBytes(random, 3 << 20)))
                .add(Op.del(TestLog.randomBytes(random, PersistLayout.MAX_KEY_LENGTH)));
        Op.Collector c = new Op.Collector();
        LogScan scan = LogReader.scan(log.writeTo(dir), TestLog.HISTORY, 1, c);
        assertThat(c.ops).containsExactlyElementsOf(log.ops);
        assertThat(scan.stop()).isEqualTo(LogStop.CLEAN_END);
    }

    @Test
    void preallocatedZerosAfterTheLastRecordAreACleanEnd() throws IOException {
        TestLog log = new TestLog(3).add(Op.set(b("a"), b("1"))).add(Op.del(b("b")));
        byte[] bytes = Arrays.copyOf(log.bytes(), log.bytes().length + 3 * 1024 * 1024 + 5);
        Path file = Files.write(PersistFiles.logPath(dir, 3), bytes);
        Op.Collector c = new Op.Collector();
        LogScan scan = LogReader.scan(file, TestLog.HISTORY, 3, c);
        assertThat(c.ops).containsExactlyElementsOf(log.ops);
        assertThat(scan.validEnd()).isEqualTo(log.bytes().length);
        assertThat(scan.fileLength()).isEqualTo(bytes.length);
        assertThat(scan.stop()).isEqualTo(LogStop.CLEAN_END);
    }

    @Test
    void aNonZeroByteFarInsidePreallocatedSpaceMakesTheTailTorn() throws IOException {
        TestLog log = new TestLog(3).add(Op.set(b("a"), b("1")));
        byte[] bytes = Arrays.copyOf(log.bytes(), log.bytes().length + 2 * 1024 * 1024);
        bytes[bytes.length - 1] = 1;
        LogScan scan = LogReader.scan(
                Files.write(PersistFiles.logPath(dir, 3), bytes), TestLog.HISTORY, 3, new Op.Collector());
        assertThat(scan.records()).isEqualTo(1);
        assertThat(scan.stop()).isEqualTo(LogStop.TORN);
        assertThat(scan.detail()).contains("end marker");
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 200})
    void aReservedOrUnknownTypeStopsTheScanAsTorn(int type) throws IOException {
        TestLog log = new TestLog(2).add(Op.set(b("a"), b("1"))).add(Op.set(b("b"), b("2")));
        byte[] bytes = log.bytes();
        int second = log.starts.get(1).intValue();
        bytes[second + PersistLayout.RECORD_TYPE_OFFSET] = (byte) type;
        Op.Collector c = new Op.Collector();
        LogScan scan = LogReader.scan(Files.write(PersistFiles.logPath(dir, 2), bytes), TestLog.HISTORY, 2, c);
        assertThat(c.ops).containsExactly(log.ops.get(0));
        assertThat(scan.validEnd()).isEqualTo(second);
        assertThat(scan.stop()).isEqualTo(LogStop.TORN);
        assertThat(scan.detail()).contains("unknown record type " + type);
    }

    @Test
    void aValidRecordFromAnotherLogOrAnotherOffsetDoesNotVerify() throws IOException {
        TestLog other = new TestLog(9).add(Op.set(b("x"), b("y")));
        TestLog log = new TestLog(2).add(Op.set(b("a"), b("1"))).add(Op.set(b("b"), b("2")));
        byte[] bytes = log.bytes();
        byte[] foreign = other.bytes();
        // Seq 9's first record, spliced into seq 2 at the same offset: its crc covered seq 9.
        byte[] spliced = Arrays.copyOf(bytes, 64);
        spliced = concat(spliced, Arrays.copyOfRange(foreign, 64, foreign.length));
        LogScan scan = LogReader.scan(
                Files.write(PersistFiles.logPath(dir, 2), spliced), TestLog.HISTORY, 2, new Op.Collector());
        assertThat(scan.records()).isZero();
        assertThat(scan.detail()).contains("crc mismatch");
        // This log's first record copied after itself: right seq, wrong offset.
        byte[] first = Arrays.copyOfRange(bytes, 64, log.starts.get(1).intValue());
        byte[] doubled = concat(Arrays.copyOf(bytes, log.starts.get(1).intValue()), first);
        Op.Collector c = new Op.Collector();
        scan = LogReader.scan(Files.write(PersistFiles.logPath(dir, 2), doubled), TestLog.HISTORY, 2, c);
        assertThat(c.ops).containsExactly(log.ops.get(0));
        assertThat(scan.stop()).isEqualTo(LogStop.TORN);
    }

    @Test
    void aDelWithAValueLengthIsNotValid() throws IOException {
        TestLog log = new TestLog(2).add(Op.del(b("abcdefgh")));
        byte[] bytes = log.bytes();
        bytes[64 + PersistLayout.RECORD_VALUE_LENGTH_OFFSET] = 8; // the key's last 8 bytes now read as the value
        LogScan scan = LogReader.scan(
                Files.write(PersistFiles.logPath(dir, 2), bytes), TestLog.HISTORY, 2, new Op.Collector());
        assertThat(scan.records()).isZero();
        assertThat(scan.stop()).isEqualTo(LogStop.TORN);
    }

    @Test
    void anEmptyLogIsACleanEndAfterTheHeader() throws IOException {
        LogScan scan = LogReader.scan(new TestLog(5).writeTo(dir), TestLog.HISTORY, 5, new Op.Collector());
        assertThat(scan.records()).isZero();
        assertThat(scan.validEnd()).isEqualTo(64);
        assertThat(scan.stop()).isEqualTo(LogStop.CLEAN_END);
    }

    /** Each header field's offset, and a value that corrupts it. */
    @ParameterizedTest
    @ValueSource(ints = {0, 7, 8, 10, 12, 16, 23, 24, 31, 32, 40, 59, 60, 63})
    void aCorruptedHeaderByteIsRejectedNamingItsField(int offset) throws IOException {
        byte[] bytes = new TestLog(5).add(Op.set(b("a"), b("1"))).bytes();
        bytes[offset] ^= 0x10;
        Path file = Files.write(PersistFiles.logPath(dir, 5), bytes);
        long expectedOffset = expectedField(offset);
        assertThatThrownBy(() -> LogReader.scan(file, TestLog.HISTORY, 5, new Op.Collector()))
                .isInstanceOfSatisfying(PersistenceFormatException.class, e -> {
                    assertThat(e.offset()).isEqualTo(expectedOffset);
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.getMessage()).startsWith(file + " at offset " + expectedOffset + ": ");
                });
    }

    /**
     * The offset a reader names for a flipped header byte: the field's own, except the creation time, which
     * only the crc covers, and a minor-version flip, which the reader accepts field-wise and the crc catches.
     */
    static long expectedField(int offset) {
        if (offset < 8) {
            return 0;
        }
        if (offset < 12) {
            return offset < 10 ? 60 : 8; // bytes 8-9 are the minor version
        }
        if (offset < 16) {
            return 12;
        }
        if (offset < 32) {
            return offset < 24 ? 16 : 24;
        }
        if (offset < 40) {
            return 60;
        }
        return offset < 60 ? offset : 60;
    }

    @Test
    void aLogOfAnotherHistoryOrSeqIsRejected() throws IOException {
        Path file = new TestLog(5).writeTo(dir);
        assertThatThrownBy(() -> LogReader.scan(file, TestLog.HISTORY + 1, 5, new Op.Collector()))
                .isInstanceOfSatisfying(
                        PersistenceFormatException.class,
                        e -> assertThat(e.offset()).isEqualTo(16));
        assertThatThrownBy(() -> LogReader.scan(file, TestLog.HISTORY, 6, new Op.Collector()))
                .isInstanceOfSatisfying(
                        PersistenceFormatException.class,
                        e -> assertThat(e.offset()).isEqualTo(24));
    }

    @Test
    void aFileShorterThanTheHeaderIsRejected() throws IOException {
        byte[] bytes = new TestLog(5).bytes();
        for (int length : new int[] {0, 1, 63}) {
            Path file = Files.write(dir.resolve("short-" + length), Arrays.copyOf(bytes, length));
            assertThatThrownBy(() -> LogReader.scan(file, TestLog.HISTORY, 5, new Op.Collector()))
                    .isInstanceOf(PersistenceFormatException.class)
                    .hasMessageContaining("header");
        }
    }

    @Test
    void aSnapshotIsNotALog() throws IOException {
        Path snap;
        try (SnapshotWriter w = SnapshotWriter.create(dir, TestLog.HISTORY, 5, 0)) {
            snap = w.commit();
        }
        assertThatThrownBy(() -> LogReader.scan(snap, TestLog.HISTORY, 5, new Op.Collector()))
                .isInstanceOfSatisfying(
                        PersistenceFormatException.class,
                        e -> assertThat(e.offset()).isZero());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
