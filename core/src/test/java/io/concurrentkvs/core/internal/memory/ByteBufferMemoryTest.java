package io.concurrentkvs.core.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** What {@link ByteBufferMemory} accepts and what it does beyond {@link Memory}'s shared contract. */
class ByteBufferMemoryTest {
    @Test
    void onlyDirectWritableBuffersAtAnAlignedAddressAreAccepted() {
        assertThatThrownBy(() -> new ByteBufferMemory(ByteBuffer.allocate(64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("direct");
        assertThatThrownBy(
                        () -> new ByteBufferMemory(ByteBuffer.allocateDirect(64).asReadOnlyBuffer()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("writable");
        ByteBuffer aligned = ByteBuffer.allocateDirect(72).alignedSlice(8);
        assertThatThrownBy(() -> new ByteBufferMemory(aligned.position(4).slice()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aligned");
    }

    @Test
    void theBuffersPositionAndLimitNeitherMatterNorChange() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64).alignedSlice(8);
        buffer.position(8).limit(16);
        Memory memory = new ByteBufferMemory(buffer);
        assertThat(memory.capacity()).isEqualTo(buffer.capacity());
        memory.putLong(32, 42);
        memory.putBytes(40, new byte[] {1, 2, 3}, 0, 3);
        assertThat(memory.getLongVolatile(32)).isEqualTo(42);
        buffer.limit(8); // the caller's buffer is not the view's
        assertThat(memory.getLong(32)).isEqualTo(42);
        assertThat(buffer.position()).isEqualTo(8);
    }

    @Test
    void plainAccessorsAcceptMisalignedOffsetsAndAtomicOnesRefuseThem() {
        Memory memory = VarHandleBackend.create().allocateDirect(32);
        memory.putLong(3, 0x0102030405060708L);
        assertThat(memory.getLong(3)).isEqualTo(0x0102030405060708L);
        memory.putInt(13, -2);
        assertThat(memory.getInt(13)).isEqualTo(-2);
        assertThatThrownBy(() -> memory.compareAndSetLong(3, 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> memory.getLongAcquire(4)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> memory.putIntRelease(2, 1)).isInstanceOf(IllegalStateException.class);
        assertThat(memory.getLong(3)).isEqualTo(0x0102030405060708L);
    }

    @Test
    void allocationsAreZeroedAlignedAndExactlyAsLongAsAsked() {
        for (int length : new int[] {0, 1, 7, 8, 4_095, 65_536}) {
            Memory memory = VarHandleBackend.create().allocateDirect(length);
            assertThat(memory.capacity()).isEqualTo(length);
            byte[] all = new byte[length];
            memory.getBytes(0, all, 0, length);
            assertThat(all).isEqualTo(new byte[length]);
            if (length >= 8) {
                long lastWord = (length - 8) & ~7L;
                assertThat(memory.compareAndSetLong(lastWord, 0, 1))
                        .as("atomic access at an aligned offset")
                        .isTrue();
            }
        }
    }
}
