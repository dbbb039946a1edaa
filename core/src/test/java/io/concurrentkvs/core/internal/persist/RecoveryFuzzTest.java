package io.concurrentkvs.core.internal.persist;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.store.SharedStore;
import io.concurrentkvs.core.internal.store.StoreGeometry;
import io.concurrentkvs.core.internal.store.StoreLayout;
import io.concurrentkvs.core.internal.store.StoreMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery of a whole directory into a store, against damage: the newest log cut at every offset inside
 * its last records, and random bytes flipped in an older log. Recovery always succeeds, and the store it
 * rebuilds is exactly the state after some prefix of the written records of each log, in order: never a
 * value that was never written, never a later write without the earlier ones of its log.
 */
class RecoveryFuzzTest {
    private static final int MAX_KEY = 64;
    private static final int MAX_VALUE = 512;

    @TempDir
    Path dir;

    @Test
    void theNewestLogCutAtEveryOffsetOfItsLastRecordsRecoversTheWholeRecordsBeforeTheCut() throws IOException {
        Random random = new Random(13);
        TestLog older = new TestLog(1).addRandom(random, 60);
        TestLog newest = new TestLog(2).addRandom(random, 40);
        long from = newest.starts.get(newest.ops.size() - 6);
        long end = newest.starts.get(newest.ops.size());
        for (long cut = from; cut <= end; cut++) {
            writeDirectory(older.bytes(), java.util.Arrays.copyOf(newest.bytes(), (int) cut));
            Recovery recovery = Recovery.of(dir, manifest());
            SharedStore store = newStore();
            recovery.replayInto(store, MAX_KEY, MAX_VALUE);
            int whole = wholeRecordsBefore(newest, cut);
            assertThat(recovery.replayedRecords()).as("cut at %d", cut).isEqualTo(older.ops.size() + whole);
            assertState(store, older.ops, older.ops.size(), newest.ops, whole, "cut at " + cut);
            assertThat(recovery.droppedBytes()).isEqualTo(cut - newest.starts.get(whole));
        }
    }

    @Test
    void aNewestLogWhoseCreationACrashCutShortIsRewrittenEmptyAndTheOlderLogsRecover() throws IOException {
        Random random = new Random(41);
        TestLog older = new TestLog(1).addRandom(random, 20);
        byte[] header = new TestLog(2).bytes();
        for (int cut = 0; cut < PersistLayout.HEADER_LENGTH; cut++) {
            // The header cut short, and zeros after it as the preallocation leaves them.
            byte[] newest =
                    java.util.Arrays.copyOf(java.util.Arrays.copyOf(header, cut), PersistLayout.HEADER_LENGTH + 256);
            writeDirectory(older.bytes(), newest);
            Recovery recovery = Recovery.of(dir, manifest());
            SharedStore store = newStore();
            recovery.replayInto(store, MAX_KEY, MAX_VALUE);
            assertState(store, older.ops, older.ops.size(), List.of(), 0, "header cut at " + cut);
            // The rewritten log is a valid empty log: the next recovery reads it without complaint.
            LogScan again = LogReader.scan(PersistFiles.logPath(dir, 2), TestLog.HISTORY, 2, new Op.Collector());
            assertThat(again.records()).isZero();
            assertThat(Recovery.of(dir, manifest()).nextSeq()).isEqualTo(3);
        }
    }

    @Test
    void aDamagedHeaderOfALogWithRecordsFailsTheStartRatherThanDropIt() throws IOException {
        Random random = new Random(43);
        TestLog older = new TestLog(1).addRandom(random, 5);
        byte[] newest = new TestLog(2).addRandom(random, 5).bytes();
        newest[20] ^= 1; // inside the history id
        writeDirectory(older.bytes(), newest);
        Recovery recovery = Recovery.of(dir, manifest());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> recovery.replayInto(newStore(), MAX_KEY, MAX_VALUE))
                .isInstanceOf(io.concurrentkvs.core.KvsException.class)
                .hasMessageContaining("cannot be recovered");
    }

    @Test
    void randomFlipsInAnOlderLogStopItThereAndReplayGoesOnWithTheNext() throws IOException {
        Random random = new Random(29);
        for (int round = 0; round < 150; round++) {
            TestLog older = new TestLog(1).addRandom(random, 30);
            TestLog newest = new TestLog(2).addRandom(random, 10);
            byte[] damaged = older.bytes();
            int flips = 1 + random.nextInt(3);
            int firstFlip = Integer.MAX_VALUE;
            for (int f = 0; f < flips; f++) {
                int at = PersistLayout.HEADER_LENGTH + random.nextInt(damaged.length - PersistLayout.HEADER_LENGTH);
                damaged[at] ^= (byte) (1 + random.nextInt(255));
                firstFlip = Math.min(firstFlip, at);
            }
            writeDirectory(damaged, newest.bytes());
            Recovery recovery = Recovery.of(dir, manifest());
            SharedStore store = newStore();
            recovery.replayInto(store, MAX_KEY, MAX_VALUE);
            int replayedOfOlder = (int) recovery.replayedRecords() - newest.ops.size();
            assertThat(replayedOfOlder).as("round %d", round).isBetween(0, wholeRecordsBefore(older, firstFlip + 1));
            assertState(store, older.ops, replayedOfOlder, newest.ops, newest.ops.size(), "round " + round);
        }
    }

    private static int wholeRecordsBefore(TestLog log, long cut) {
        int whole = 0;
        while (whole < log.ops.size() && log.starts.get(whole + 1) <= cut) {
            whole++;
        }
        return whole;
    }

    private void writeDirectory(byte[] older, byte[] newest) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.write(PersistFiles.logPath(dir, 1), older);
        Files.write(PersistFiles.logPath(dir, 2), newest);
        manifest().write(dir);
    }

    private static Manifest manifest() {
        return new Manifest(TestLog.HISTORY, 0, 1, 1);
    }

    private static SharedStore newStore() {
        return SharedStore.format(
                "fuzz",
                StoreMemory.onHeap(new StoreGeometry(1, 400, 2 << 20, StoreLayout.recordLength(MAX_KEY, MAX_VALUE))),
                3,
                0,
                0);
    }

    private static void assertState(
            SharedStore store, List<Op> first, int firstCount, List<Op> second, int secondCount, String what) {
        Map<ByteBuffer, byte[]> expected = new HashMap<>();
        apply(expected, first.subList(0, firstCount));
        apply(expected, second.subList(0, secondCount));
        assertThat(store.size()).as(what).isEqualTo(expected.size());
        for (Map.Entry<ByteBuffer, byte[]> e : expected.entrySet()) {
            byte[] key = new byte[e.getKey().remaining()];
            e.getKey().duplicate().get(key);
            assertThat(store.get(key)).as(what).isEqualTo(e.getValue());
        }
    }

    private static void apply(Map<ByteBuffer, byte[]> state, List<Op> ops) {
        for (Op op : ops) {
            if (op.isSet()) {
                state.put(ByteBuffer.wrap(op.key), op.value);
            } else {
                state.remove(ByteBuffer.wrap(op.key));
            }
        }
    }
}
