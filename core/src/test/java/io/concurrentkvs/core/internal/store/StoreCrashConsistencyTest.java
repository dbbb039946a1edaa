package io.concurrentkvs.core.internal.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stops a writer at each point of the write path (a {@link WriteHook} throws, as if the server died
 * there), then adopts what it left in the same memory: every completed write is present, the interrupted
 * one is either its old or its new value, and no key ever holds a value written for another key or a
 * torn one. Values name their key and version, so a foreign or torn value cannot pass for a right one.
 */
class StoreCrashConsistencyTest {
    private static final int KEYS = 40;

    /** Thrown by the hook: the writer "dies" here. */
    private static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash() {
            super("simulated crash", null, false, false);
        }
    }

    @AfterEach
    void uninstall() {
        WriteHook.install(null);
    }

    @ParameterizedTest
    @EnumSource(WriteHook.Point.class)
    void adoptionAfterACrashAtEachPointYieldsOldOrNewValuesOnly(WriteHook.Point point) {
        for (int crashAt = 1; crashAt <= 60; crashAt += 7) {
            crashOnceAndAdopt(point, crashAt, crashAt);
        }
    }

    private void crashOnceAndAdopt(WriteHook.Point point, int crashAt, long seed) {
        // One segment with a small index: probe runs are long, so deletes shift entries back.
        StoreGeometry g = new StoreGeometry(1, KEYS, 1 << 20, StoreLayout.recordLength(16, 300));
        StoreMemory memory = StoreMemory.onHeap(g);
        SharedStore store = SharedStore.format("crash", memory, seed, 0, 0);
        Map<String, String> acknowledged = new HashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        int[] hits = {0};
        WriteHook.install(p -> {
            if (p == point && ++hits[0] == crashAt) {
                throw new Crash();
            }
        });
        String inFlightKey = null;
        String inFlightNew = null;
        for (int version = 0; version < 10_000 && inFlightKey == null; version++) {
            String key = "key-" + random.nextInt(KEYS);
            boolean delete = acknowledged.containsKey(key) && random.nextInt(3) == 0;
            String value = key + ":" + version + ":" + "x".repeat(random.nextInt(250));
            try {
                if (delete) {
                    store.del(key.getBytes(UTF_8));
                    acknowledged.remove(key);
                } else {
                    store.set(key.getBytes(UTF_8), value.getBytes(UTF_8));
                    acknowledged.put(key, value);
                }
            } catch (Crash crash) {
                inFlightKey = key;
                inFlightNew = delete ? null : value;
            }
        }
        WriteHook.install(null);
        assertThat(inFlightKey)
                .as("the hook at %s #%d was reached", point, crashAt)
                .isNotNull();

        SharedStore adopted = SharedStore.adopt("crash", memory);
        assertThat(adopted.adoption().dropped())
                .as("nothing is damaged, only unfinished")
                .isZero();
        long present = 0;
        for (int k = 0; k < KEYS; k++) {
            String key = "key-" + k;
            byte[] found = adopted.get(key.getBytes(UTF_8));
            String value = found == null ? null : new String(found, UTF_8);
            if (key.equals(inFlightKey)) {
                assertThat(value).as("%s at %s #%d", key, point, crashAt).isIn(acknowledged.get(key), inFlightNew);
            } else {
                assertThat(value).as("%s at %s #%d", key, point, crashAt).isEqualTo(acknowledged.get(key));
            }
            if (value != null) {
                present++;
            }
        }
        assertThat(adopted.size()).isEqualTo(present);
        // The adopted table keeps working: overwrite and delete everything, then nothing is left.
        for (int k = 0; k < KEYS; k++) {
            adopted.set(("key-" + k).getBytes(UTF_8), ("after-" + k).getBytes(UTF_8));
        }
        for (int k = 0; k < KEYS; k++) {
            assertThat(adopted.get(("key-" + k).getBytes(UTF_8))).isEqualTo(("after-" + k).getBytes(UTF_8));
            assertThat(adopted.del(("key-" + k).getBytes(UTF_8))).isTrue();
        }
        assertThat(adopted.size()).isZero();
        assertThat(adopted.usage().pageBytes()).isZero();
    }

    @Test
    void aCrashInsideADeleteLeavesOneEntryInTwoSlotsAndAdoptionKeepsOne() {
        StoreGeometry g = new StoreGeometry(1, KEYS, 1 << 20, StoreLayout.recordLength(16, 64));
        StoreMemory memory = StoreMemory.onHeap(g);
        SharedStore store = SharedStore.format("crash", memory, SharedStoreLincheckTest.SEED, 0, 0);
        // Keys 0-2 share a home slot under this seed: deleting key 0 shifts keys 1 and 2 back.
        for (int k = 0; k < 3; k++) {
            store.set(new byte[] {'k', (byte) k}, new byte[] {(byte) k});
        }
        WriteHook.install(p -> {
            if (p == WriteHook.Point.SHIFTED) {
                throw new Crash();
            }
        });
        try {
            store.del(new byte[] {'k', 0});
        } catch (Crash expected) {
            // The first shifted entry is now in its old slot and in the hole.
        }
        WriteHook.install(null);
        SharedStore adopted = SharedStore.adopt("crash", memory);
        assertThat(adopted.adoption().duplicates()).isEqualTo(1);
        assertThat(adopted.adoption().openWrites()).isEqualTo(1);
        assertThat(adopted.get(new byte[] {'k', 0})).isNull();
        assertThat(adopted.get(new byte[] {'k', 1})).containsExactly(1);
        assertThat(adopted.get(new byte[] {'k', 2})).containsExactly(2);
        assertThat(adopted.size()).isEqualTo(2);
        assertThat(adopted.del(new byte[] {'k', 1})).isTrue();
        assertThat(adopted.get(new byte[] {'k', 1})).isNull();
        assertThat(adopted.get(new byte[] {'k', 2})).containsExactly(2);
    }
}
