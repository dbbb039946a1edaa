package io.concurrentkvs.core.internal.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.internal.memory.Memory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Garbage written anywhere in the store's memory (index, page map, segment headers, records) never makes
 * an operation throw anything but {@link KvsCapacityException}, and never makes a get return a value that
 * was not written for its key; adoption over the garbage succeeds and keeps that promise. Values name
 * their key, so a value of another key or a torn one is recognised.
 */
class StoreScribbleTest {
    private static final int KEYS = 500;

    @Test
    void scribbledStoreNeverReturnsAForeignValueNorThrows() {
        for (long seed = 1; seed <= 20; seed++) {
            scribbleAndCheck(seed);
        }
    }

    private void scribbleAndCheck(long seed) {
        StoreGeometry g = new StoreGeometry(4, 1000, 1 << 20, StoreLayout.recordLength(16, 200));
        StoreMemory memory = StoreMemory.onHeap(g);
        SharedStore store = SharedStore.format("scribble", memory, seed, 0, 0);
        SplittableRandom random = new SplittableRandom(seed);
        for (int k = 0; k < KEYS; k++) {
            store.set(key(k), value(k, random));
        }
        for (int round = 0; round < 5; round++) {
            scribble(memory, g, random);
            for (int op = 0; op < 2000; op++) {
                int k = random.nextInt(KEYS);
                try {
                    switch (random.nextInt(4)) {
                        case 0 -> store.set(key(k), value(k, random));
                        case 1 -> store.del(key(k));
                        default -> checkValue(k, store.get(key(k)));
                    }
                } catch (KvsCapacityException full) {
                    // A scribbled page map or index can use up room; that is a clean refusal.
                }
            }
        }
        scribble(memory, g, random);
        SharedStore adopted = SharedStore.adopt("scribble", memory);
        for (int k = 0; k < KEYS; k++) {
            checkValue(k, adopted.get(key(k)));
        }
        for (int k = 0; k < KEYS; k++) {
            try {
                adopted.set(key(k), value(k, random));
            } catch (KvsCapacityException full) {
                continue;
            }
            checkValue(k, adopted.get(key(k)));
            assertThat(adopted.get(key(k)))
                    .as("a write after adoption is read back")
                    .isNotNull();
        }
    }

    private static void scribble(StoreMemory memory, StoreGeometry g, SplittableRandom random) {
        Memory meta = memory.meta();
        for (int i = 0; i < 30; i++) {
            long at;
            switch (random.nextInt(4)) {
                case 0 -> at = g.segmentsOffset() + random.nextLong(g.indexOffset() - g.segmentsOffset());
                case 1 -> at = g.indexOffset() + random.nextLong(g.pageMapOffset() - g.indexOffset());
                case 2 -> at = g.pageMapOffset() + random.nextLong((long) g.pageCount() * 4);
                default -> at = -1;
            }
            if (at >= 0) {
                meta.putLong(at & ~7L, random.nextLong());
            } else {
                long data = g.dataOffset() + random.nextLong(g.dataBytes() - 8);
                memory.chunk(data).putLong(memory.local(data) & ~7L, random.nextLong());
            }
        }
    }

    private static byte[] key(int k) {
        return ("key-" + k).getBytes(UTF_8);
    }

    private static byte[] value(int k, SplittableRandom random) {
        return ("key-" + k + "|" + "v".repeat(random.nextInt(150))).getBytes(UTF_8);
    }

    /** A value is right for key k if it names k and is otherwise all 'v'. */
    private static void checkValue(int k, byte[] found) {
        if (found == null) {
            return;
        }
        String value = new String(found, UTF_8);
        String prefix = "key-" + k + "|";
        assertThat(value).startsWith(prefix);
        assertThat(value.substring(prefix.length())).matches("v*");
    }
}
