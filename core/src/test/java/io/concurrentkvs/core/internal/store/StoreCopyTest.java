package io.concurrentkvs.core.internal.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A live copy of the store plus the journal from the copy's start must rebuild exactly the store as it is
 * when the copy ends, however writes, deletes (whose backward shifts move entries across the copy's cursor)
 * and inserts interleave with the copy's chunks. This is what makes a snapshot taken while the server
 * serves, followed by the log written since, a faithful image.
 */
class StoreCopyTest {
    private static final int MAX_RECORD = StoreLayout.recordLength(32, 64);

    /** A journal that keeps what it is told, in order, as map operations. */
    private static final class RecordingJournal implements Journal {
        final List<Object[]> ops = new ArrayList<>();

        @Override
        public void set(byte[] key, int keyLength, byte[] value, int valueOffset, int valueLength) {
            ops.add(new Object[] {
                new String(key, 0, keyLength, UTF_8), Arrays.copyOfRange(value, valueOffset, valueOffset + valueLength)
            });
        }

        @Override
        public void del(byte[] key, int keyLength) {
            ops.add(new Object[] {new String(key, 0, keyLength, UTF_8), null});
        }
    }

    @Test
    void copyPlusJournalRebuildsTheStoreUnderInterleavedWrites() {
        for (long seed = 1; seed <= 60; seed++) {
            runRound(seed, 1 + (int) (seed % 3), 1 + (int) (seed % 5));
        }
    }

    @Test
    void entriesShiftedBehindTheCursorAreJournaled() {
        // One dense segment; for every cursor position, delete what the copy has read: the backward shifts
        // of the runs that start there and go on past the cursor move unread entries into the read part.
        StoreGeometry g = new StoreGeometry(1, 64, 1 << 20, MAX_RECORD);
        for (int cursor = 1; cursor < g.slotsPerSegment(); cursor++) {
            SharedStore store = SharedStore.format("copy", StoreMemory.onHeap(g), 5, 0, 0);
            RecordingJournal journal = new RecordingJournal();
            store.journalTo(journal);
            for (int i = 0; i < 60; i++) {
                store.set(key(i), value(i, 0));
            }
            journal.ops.clear();
            List<Object[]> copied = new ArrayList<>();
            EntrySink sink =
                    (k, kl, v, vl) -> copied.add(new Object[] {new String(k, 0, kl, UTF_8), Arrays.copyOf(v, vl)});
            store.copyStart(0);
            boolean more = store.copyChunk(0, cursor, sink);
            for (Object[] entry : new ArrayList<>(copied)) {
                store.del(((String) entry[0]).getBytes(UTF_8));
            }
            while (more) {
                more = store.copyChunk(0, 7, sink);
            }
            Map<String, byte[]> image = new HashMap<>();
            apply(copied, image);
            apply(journal.ops, image);
            assertThat(image.keySet())
                    .as("cursor %d", cursor)
                    .isEqualTo(contents(store, 60).keySet());
        }
    }

    private static void runRound(long seed, int stripes, int chunk) {
        SplittableRandom random = new SplittableRandom(seed);
        int keys = 300;
        SharedStore store = SharedStore.format(
                "copy", StoreMemory.onHeap(new StoreGeometry(stripes, 400, 1 << 21, MAX_RECORD)), seed, 0, 0);
        RecordingJournal journal = new RecordingJournal();
        store.journalTo(journal);
        for (int i = 0; i < keys; i++) {
            if (random.nextInt(4) != 0) {
                store.set(key(i), value(i, 0));
            }
        }
        journal.ops.clear();
        Map<String, byte[]> image = new HashMap<>();
        List<Object[]> copied = new ArrayList<>();
        EntrySink sink = (k, kl, v, vl) -> copied.add(new Object[] {new String(k, 0, kl, UTF_8), Arrays.copyOf(v, vl)});
        int version = 1;
        for (int s = 0; s < store.segmentCount(); s++) {
            store.copyStart(s);
            boolean more = true;
            while (more) {
                more = store.copyChunk(s, chunk, sink);
                for (int w = random.nextInt(6); w > 0; w--) {
                    int k = random.nextInt(keys);
                    switch (random.nextInt(3)) {
                        case 0:
                            store.del(key(k));
                            break;
                        case 1:
                            store.post(key(k), value(k, version++));
                            break;
                        default:
                            store.set(key(k), value(k, version++));
                    }
                }
            }
        }
        apply(copied, image);
        apply(journal.ops, image);
        Map<String, byte[]> actual = contents(store, keys);
        assertThat(image.keySet()).as("seed %d", seed).isEqualTo(actual.keySet());
        for (Map.Entry<String, byte[]> e : actual.entrySet()) {
            assertThat(image.get(e.getKey()))
                    .as("seed %d key %s", seed, e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    private static void apply(List<Object[]> ops, Map<String, byte[]> image) {
        for (Object[] op : ops) {
            if (op[1] == null) {
                image.remove((String) op[0]);
            } else {
                image.put((String) op[0], (byte[]) op[1]);
            }
        }
    }

    private static Map<String, byte[]> contents(SharedStore store, int keys) {
        Map<String, byte[]> map = new HashMap<>();
        for (int i = 0; i < keys; i++) {
            byte[] v = store.get(key(i));
            if (v != null) {
                map.put(new String(key(i), UTF_8), v);
            }
        }
        return map;
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(UTF_8);
    }

    private static byte[] value(int i, int version) {
        return ("value-" + i + "-" + version).getBytes(UTF_8);
    }
}
