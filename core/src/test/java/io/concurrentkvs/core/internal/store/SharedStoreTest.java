package io.concurrentkvs.core.internal.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.KvsCapacityException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SharedStoreTest {
    private static final int MAX_RECORD = StoreLayout.recordLength(64, 512);

    private static SharedStore newStore(StoreGeometry g) {
        return SharedStore.format("test", StoreMemory.onHeap(g), 42, 0, 0);
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void setGetPostDelFollowTheMapSemantics() {
        SharedStore store = newStore(new StoreGeometry(4, 1000, 1 << 20, MAX_RECORD));
        assertThat(store.get(b("k"))).isNull();
        store.set(b("k"), b("v1"));
        assertThat(store.get(b("k"))).isEqualTo(b("v1"));
        store.set(b("k"), b("a longer second value"));
        assertThat(store.get(b("k"))).isEqualTo(b("a longer second value"));
        assertThat(store.post(b("k"), b("x"))).isFalse();
        assertThat(store.get(b("k"))).isEqualTo(b("a longer second value"));
        assertThat(store.post(b("p"), b(""))).isTrue();
        assertThat(store.get(b("p"))).isEqualTo(new byte[0]);
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.del(b("k"))).isTrue();
        assertThat(store.del(b("k"))).isFalse();
        assertThat(store.get(b("k"))).isNull();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void keysOfEveryLengthAroundWordBoundariesAreDistinct() {
        SharedStore store = newStore(new StoreGeometry(2, 1000, 1 << 20, MAX_RECORD));
        for (int length = 0; length <= 40; length++) {
            byte[] key = new byte[length];
            java.util.Arrays.fill(key, (byte) 'a');
            store.set(key, b("len" + length));
        }
        for (int length = 0; length <= 40; length++) {
            byte[] key = new byte[length];
            java.util.Arrays.fill(key, (byte) 'a');
            assertThat(store.get(key)).as("key of %d bytes", length).isEqualTo(b("len" + length));
        }
    }

    @Test
    void randomWorkloadMatchesAHashMapAndSurvivesAdoption() {
        StoreGeometry g = new StoreGeometry(8, 5000, 16 << 20, MAX_RECORD);
        StoreMemory memory = StoreMemory.onHeap(g);
        SharedStore store = SharedStore.format("test", memory, 7, 0, 0);
        Map<String, String> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 50_000; i++) {
            String key = "key-" + random.nextInt(3000);
            int op = random.nextInt(10);
            if (op < 5) {
                String value = "v".repeat(random.nextInt(300)) + i;
                store.set(b(key), b(value));
                model.put(key, value);
            } else if (op < 7) {
                String value = "p" + i;
                assertThat(store.post(b(key), b(value))).isEqualTo(!model.containsKey(key));
                model.putIfAbsent(key, value);
            } else if (op < 9) {
                assertThat(store.del(b(key))).isEqualTo(model.remove(key) != null);
            } else {
                byte[] found = store.get(b(key));
                assertThat(found == null ? null : new String(found, UTF_8)).isEqualTo(model.get(key));
            }
        }
        assertThat(store.size()).isEqualTo(model.size());
        StoreUsage before = store.usage();

        SharedStore adopted = SharedStore.adopt("test", memory);
        assertThat(adopted.adoption().entries()).isEqualTo(model.size());
        assertThat(adopted.adoption().dropped()).isZero();
        assertThat(adopted.size()).isEqualTo(model.size());
        model.forEach((k, v) -> assertThat(adopted.get(b(k))).as(k).isEqualTo(b(v)));
        StoreUsage after = adopted.usage();
        assertThat(after.liveBytes()).isEqualTo(before.liveBytes());
        assertThat(after.blockBytes()).isEqualTo(before.blockBytes());
        // The adopted allocator hands out only free blocks: more writes keep every entry intact.
        for (int i = 0; i < 2000; i++) {
            adopted.set(b("new-" + i), b("n" + i));
        }
        model.forEach((k, v) -> assertThat(adopted.get(b(k))).as(k).isEqualTo(b(v)));
        for (int i = 0; i < 2000; i++) {
            assertThat(adopted.get(b("new-" + i))).isEqualTo(b("n" + i));
        }
    }

    @Test
    void theEntryAfterMaxEntriesFailsAndTheStoreKeepsServing() {
        SharedStore store = newStore(new StoreGeometry(4, 100, 1 << 20, MAX_RECORD));
        for (int i = 0; i < 100; i++) {
            store.set(b("k" + i), b("v"));
        }
        assertThatThrownBy(() -> store.set(b("one-more"), b("v")))
                .isInstanceOf(KvsCapacityException.class)
                .hasMessageContaining("maxEntries = 100");
        assertThatThrownBy(() -> store.post(b("one-more"), b("v"))).isInstanceOf(KvsCapacityException.class);
        assertThat(store.get(b("one-more"))).isNull();
        assertThat(store.size()).isEqualTo(100);
        store.set(b("k5"), b("updated")); // an update needs no new entry
        assertThat(store.get(b("k5"))).isEqualTo(b("updated"));
        assertThat(store.del(b("k6"))).isTrue();
        store.set(b("one-more"), b("v"));
        assertThat(store.get(b("one-more"))).isEqualTo(b("v"));
        assertThat(store.counters().capacityRejections()).isEqualTo(2);
    }

    @Test
    void aFullDataAreaFailsWithTheLimitAndFreesSpaceOnDelete() {
        StoreGeometry g = new StoreGeometry(1, 10_000, 2 * StoreGeometry.MIN_PAGE_SIZE, MAX_RECORD);
        SharedStore store = newStore(g);
        byte[] value = new byte[500];
        int stored = 0;
        KvsCapacityException full = null;
        for (int i = 0; i < 10_000 && full == null; i++) {
            try {
                store.set(b("k" + i), value);
                stored++;
            } catch (KvsCapacityException e) {
                full = e;
            }
        }
        assertThat(full).isNotNull();
        assertThat(full.getMessage()).contains("maxDataBytes = " + g.dataBytes());
        assertThat(store.size()).isEqualTo(stored);
        for (int i = 0; i < stored; i++) {
            assertThat(store.get(b("k" + i))).hasSize(500);
        }
        for (int i = 0; i < stored; i++) {
            assertThat(store.del(b("k" + i))).isTrue();
        }
        assertThat(store.usage().pageBytes()).isZero();
        // Every page came back: records of another size class now fit.
        store.set(b("small"), b("x"));
        assertThat(store.get(b("small"))).isEqualTo(b("x"));
    }

    @Test
    void pagesHeldByOneSizeAreCompactedForAnotherWhenTheDataAreaRunsOut() {
        StoreGeometry g = new StoreGeometry(1, 100_000, 64 * StoreGeometry.MIN_PAGE_SIZE, MAX_RECORD);
        SharedStore store = newStore(g);
        byte[] large = new byte[500];
        int stored = 0;
        try {
            while (true) {
                store.set(b("large-" + stored), large);
                stored++;
            }
        } catch (KvsCapacityException full) {
            // Every page holds large records now.
        }
        for (int i = 0; i < stored; i += 2) {
            assertThat(store.del(b("large-" + i))).isTrue();
        }
        // Half of every page is free, but no page is empty: small records need whole pages of their class.
        int small = 0;
        try {
            for (; small < 100_000; small++) {
                store.set(b("small-" + small), b("a small value of forty bytes, or nearly"));
            }
        } catch (KvsCapacityException full) {
            // The data area is full again, now with both sizes.
        }
        assertThat(small).as("small records stored after the shift").isGreaterThan(2_000);
        for (int i = 1; i < stored; i += 2) {
            assertThat(store.get(b("large-" + i))).as("large-" + i).hasSize(500);
        }
        for (int i = 0; i < small; i++) {
            assertThat(store.get(b("small-" + i))).isEqualTo(b("a small value of forty bytes, or nearly"));
        }
        assertThat(store.usage().fragmentation()).isLessThan(0.25);
        // Updates in the full store compact too, and may move the very record they replace.
        long live = store.usage().liveBytes();
        for (int i = 1; i < stored; i += 2) {
            try {
                store.set(b("large-" + i), new byte[499]);
            } catch (KvsCapacityException full) {
                break;
            }
        }
        for (int i = 1; i < stored; i += 2) {
            assertThat(store.get(b("large-" + i)).length).as("large-" + i).isIn(499, 500);
        }
        for (int i = 0; i < small; i++) {
            assertThat(store.get(b("small-" + i))).isEqualTo(b("a small value of forty bytes, or nearly"));
        }
        assertThat(store.usage().liveBytes()).isBetween(live - stored, live);
    }

    @Test
    void aRecordLargerThanTheLargestIsRefused() {
        SharedStore store = newStore(new StoreGeometry(1, 10, 1 << 20, StoreLayout.recordLength(8, 8)));
        assertThatThrownBy(() -> store.set(b("k"), new byte[20])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void geometryNamesTheSettingOutOfRange() {
        assertThatThrownBy(() -> new StoreGeometry(0, 10, 1 << 20, MAX_RECORD)).hasMessageContaining("stripes");
        assertThatThrownBy(() -> new StoreGeometry(1, 0, 1 << 20, MAX_RECORD)).hasMessageContaining("maxEntries");
        assertThatThrownBy(() -> new StoreGeometry(1, 10, 100, MAX_RECORD)).hasMessageContaining("maxDataBytes");
    }
}
