package io.concurrentkvs.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.memory.HeapMemory;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.memory.OffHeapMemory;
import net.openhft.chronicle.core.UnsafeMemory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A key read from shared memory must be the same map key as one built from the same bytes in an array. */
class StoreKeyTest {
    @Test
    void keysReadFromMemoryEqualKeysBuiltFromArraysWhateverFollowsThem() {
        SplittableRandom random = new SplittableRandom(42);
        Memory memory = new HeapMemory(256);
        for (int length = 0; length <= 40; length++) {
            for (int trial = 0; trial < 20; trial++) {
                byte[] key = new byte[length];
                for (int i = 0; i < length; i++) {
                    key[i] = (byte) random.nextInt(256);
                }
                // Garbage after the key: the reader must mask it off.
                byte[] garbage = new byte[64];
                for (int i = 0; i < garbage.length; i++) {
                    garbage[i] = (byte) random.nextInt(256);
                }
                memory.putBytes(64, garbage, 0, garbage.length);
                memory.putBytes(64, key, 0, length);
                StoreKey fromMemory = StoreKey.read(memory, 64, length, memory.capacity());
                StoreKey fromArray = StoreKey.of(key.clone());
                assertThat(fromMemory).as("length %d", length).isEqualTo(fromArray);
                assertThat(fromMemory.hashCode()).isEqualTo(fromArray.hashCode());
                if (length > 0) {
                    byte[] other = key.clone();
                    other[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
                    assertThat(fromMemory).as("one bit off, length %d", length).isNotEqualTo(StoreKey.of(other));
                }
                assertThat(fromMemory).isNotEqualTo(StoreKey.of(Arrays.copyOf(key, length + 1)));
            }
        }
    }

    @Test
    void aKeyEndingAtTheEndOfItsRecordIsReadWithoutCrossingIt() {
        SplittableRandom random = new SplittableRandom(7);
        for (int length = 1; length <= 16; length++) {
            byte[] key = new byte[length];
            random.nextBytes(key);
            // The key ends exactly where readable memory ends, with a 12-byte record header before it (so
            // its words are not 8-byte aligned: native memory, as in the ring).
            long size = 12 + length;
            long address = UnsafeMemory.MEMORY.allocate(size);
            try {
                Memory memory = new OffHeapMemory(address, size, this);
                memory.putBytes(12, key, 0, length);
                StoreKey fromMemory = StoreKey.read(memory, 12, length, size);
                assertThat(fromMemory).as("length %d", length).isEqualTo(StoreKey.of(key.clone()));
                assertThat(fromMemory.hashCode()).isEqualTo(StoreKey.of(key.clone()).hashCode());
            } finally {
                UnsafeMemory.MEMORY.freeMemory(address, size);
            }
        }
    }
}
