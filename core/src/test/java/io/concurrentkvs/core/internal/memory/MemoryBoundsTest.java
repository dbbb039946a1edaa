package io.concurrentkvs.core.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryBoundsTest {
    @Test
    void accessesOutsideTheWindowThrowInsteadOfTouchingMemory() {
        Memory memory = new HeapMemory(64).slice(16, 32);
        assertThatThrownBy(() -> memory.getLong(32)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.getLong(-8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.putBytes(30, new byte[4], 0, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.getBytes(0, new byte[4], 2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.getBytes(0, new byte[4], 0, Integer.MAX_VALUE))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void narrowWritesDoNotClobberNeighbours() {
        Memory memory = new HeapMemory(16);
        memory.putLong(0, -1L);
        memory.putInt(4, 0x01020304);
        assertThat(memory.getInt(0)).isEqualTo(-1);
        assertThat(memory.getInt(4)).isEqualTo(0x01020304);
        memory.putBytes(1, new byte[] {9}, 0, 1);
        byte[] out = new byte[3];
        memory.getBytes(0, out, 0, 3);
        assertThat(out).containsExactly(-1, 9, -1);
    }

    @Test
    void slicesShareBytesWithLittleEndianLayout() {
        Memory memory = new HeapMemory(32);
        memory.slice(8, 8).putLong(0, 0x0807060504030201L);
        byte[] out = new byte[8];
        memory.getBytes(8, out, 0, 8);
        assertThat(out).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }
}
