package io.concurrentkvs.core.internal.memory;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import net.openhft.chronicle.core.UnsafeMemory;

/**
 * Maps windows of a file as {@link Memory} and unmaps them deterministically: a store file is hundreds of
 * megabytes of {@code /dev/shm}, which a garbage-collected mapping would keep allocated long after the
 * file was removed. Stateless.
 */
public final class MappedFiles {
    private static final long BUFFER_ADDRESS_OFFSET = bufferAddressOffset();

    private MappedFiles() {}

    /** A mapped window and its memory view. Unmap it only when no thread can touch the view again. */
    public static final class Mapping {
        private final MappedByteBuffer buffer;
        private final Memory memory;
        private boolean unmapped;

        private Mapping(MappedByteBuffer buffer, Memory memory) {
            this.buffer = buffer;
            this.memory = memory;
        }

        public Memory memory() {
            return memory;
        }

        /**
         * Releases the mapping now. Any later access through {@link #memory()} would fault, so the caller
         * guarantees none happens. Idempotent; not thread-safe.
         */
        public void unmap() {
            if (!unmapped) {
                unmapped = true;
                UnsafeMemory.UNSAFE.invokeCleaner(buffer);
            }
        }
    }

    /** Maps {@code [position, position + length)} of {@code channel} read-write. */
    public static Mapping map(FileChannel channel, long position, long length) throws IOException {
        MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, position, length);
        long address = UnsafeMemory.UNSAFE.getLong(buffer, BUFFER_ADDRESS_OFFSET);
        return new Mapping(buffer, new OffHeapMemory(address, length, buffer));
    }

    /**
     * Memory over a new private direct buffer of {@code length} bytes, zeroed: for a thread's copy of
     * shared data (no file behind it; it shares this class's buffer-address lookup). Freed with the view.
     */
    public static Memory allocateDirect(int length) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(length);
        long address = UnsafeMemory.UNSAFE.getLong(buffer, BUFFER_ADDRESS_OFFSET);
        return new OffHeapMemory(address, length, buffer);
    }

    private static long bufferAddressOffset() {
        try {
            Field address = Buffer.class.getDeclaredField("address");
            return UnsafeMemory.UNSAFE.objectFieldOffset(address);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
