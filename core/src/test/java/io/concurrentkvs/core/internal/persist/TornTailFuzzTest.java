package io.concurrentkvs.core.internal.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The torn-tail fuzz, at the format level: a log cut at any offset inside its last records, or with
 * bytes flipped anywhere in its records, scans to exactly a prefix of what was written, every record
 * byte-identical to one written; a damaged header is an exception. Seeded, so a failure reproduces.
 */
class TornTailFuzzTest {
    private static final int RECORDS = 200;
    private static final int TORN_RECORDS = 6;

    @TempDir
    Path dir;

    @Test
    void aLogCutAtEveryOffsetInsideItsLastRecordsScansToTheRecordsWhollyBeforeTheCut() throws IOException {
        TestLog log = new TestLog(11).addRandom(new Random(13), RECORDS);
        byte[] bytes = log.bytes();
        Path file = PersistFiles.logPath(dir, 11);
        int firstTorn = RECORDS - TORN_RECORDS;
        for (int cut = log.starts.get(firstTorn).intValue(); cut <= bytes.length; cut++) {
            Files.write(file, Arrays.copyOf(bytes, cut));
            Op.Collector c = new Op.Collector();
            LogScan scan = LogReader.scan(file, TestLog.HISTORY, 11, c);

            int whole = recordsBefore(log, cut);
            int recordStart = log.starts.get(whole).intValue();
            assertThat(c.ops).as("cut at %d", cut).containsExactlyElementsOf(log.ops.subList(0, whole));
            assertThat(scan.records()).isEqualTo(whole);
            assertThat(scan.validEnd()).isEqualTo(recordStart);
            assertThat(scan.fileLength()).isEqualTo(cut);
            boolean onlyZerosAfter = allZero(bytes, recordStart, cut);
            assertThat(scan.stop()).as("cut at %d", cut).isEqualTo(onlyZerosAfter ? LogStop.CLEAN_END : LogStop.TORN);
        }
    }

    @Test
    void aLogCutInsideItsHeaderIsRejected() throws IOException {
        byte[] bytes = new TestLog(11).addRandom(new Random(3), 3).bytes();
        Path file = PersistFiles.logPath(dir, 11);
        for (int cut = 0; cut < PersistLayout.HEADER_LENGTH; cut++) {
            Files.write(file, Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> LogReader.scan(file, TestLog.HISTORY, 11, new Op.Collector()))
                    .isInstanceOf(PersistenceFormatException.class);
        }
    }

    @Test
    void flippedBytesInTheRecordsNeverYieldARecordThatWasNotWritten() throws IOException {
        Random random = new Random(17);
        TestLog log = new TestLog(12).addRandom(random, RECORDS);
        byte[] written = log.bytes();
        Path file = PersistFiles.logPath(dir, 12);
        for (int iteration = 0; iteration < 3000; iteration++) {
            byte[] bytes = written.clone();
            // Mostly one byte (CRC32C detects every burst of up to 32 bits), sometimes several.
            int flips = iteration % 4 == 0 ? 2 + random.nextInt(7) : 1;
            int firstDamaged = Integer.MAX_VALUE;
            for (int f = 0; f < flips; f++) {
                int at = PersistLayout.HEADER_LENGTH + random.nextInt(bytes.length - PersistLayout.HEADER_LENGTH);
                bytes[at] ^= (byte) (1 + random.nextInt(255));
                firstDamaged = Math.min(firstDamaged, recordsBefore(log, at)); // the index of the record holding it
            }
            Files.write(file, bytes);
            Op.Collector c = new Op.Collector();
            LogScan scan = LogReader.scan(file, TestLog.HISTORY, 12, c);

            int n = c.ops.size();
            assertThat(c.ops).as("iteration %d", iteration).containsExactlyElementsOf(log.ops.subList(0, n));
            assertThat(scan.records()).isEqualTo(n);
            assertThat(scan.validEnd()).isEqualTo(log.starts.get(n));
            if (flips == 1) {
                // A single damaged byte always stops the scan at its record (records are 0-based here).
                assertThat(n).as("iteration %d", iteration).isEqualTo(firstDamaged);
                assertThat(scan.stop()).isEqualTo(LogStop.TORN);
            } else {
                assertThat(n).as("iteration %d", iteration).isLessThanOrEqualTo(firstDamaged);
            }
        }
    }

    @Test
    void aFlippedHeaderByteIsAlwaysAnException() throws IOException {
        Random random = new Random(19);
        byte[] written = new TestLog(12).addRandom(random, 10).bytes();
        Path file = PersistFiles.logPath(dir, 12);
        for (int iteration = 0; iteration < 500; iteration++) {
            byte[] bytes = written.clone();
            bytes[random.nextInt(PersistLayout.HEADER_LENGTH)] ^= (byte) (1 + random.nextInt(255));
            Files.write(file, bytes);
            assertThatThrownBy(() -> LogReader.scan(file, TestLog.HISTORY, 12, new Op.Collector()))
                    .isInstanceOf(PersistenceFormatException.class);
        }
    }

    /** The number of records that end at or before {@code offset}. */
    private static int recordsBefore(TestLog log, long offset) {
        int n = 0;
        while (n < log.ops.size() && log.starts.get(n + 1) <= offset) {
            n++;
        }
        return n;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
