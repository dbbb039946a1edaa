package io.concurrentkvs.core.internal.memory;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import net.openhft.chronicle.core.UnsafeMemory;

/**
 * The {@link MemoryBackend} of Java 17-23: {@link OffHeapMemory} (Chronicle Core's {@link UnsafeMemory})
 * over the buffer's address, read through {@code Unsafe.objectFieldOffset} of {@code Buffer.address} (no
 * JVM flags needed), and unmapping with {@code Unsafe.invokeCleaner}. Java 24+ warns on the first of these
 * calls, so {@link MemoryAccess} never loads this class there unless asked to. Stateless.
 */
final class UnsafeBackend extends MemoryBackend {
    private static final long BUFFER_ADDRESS_OFFSET = bufferAddressOffset();

    private UnsafeBackend() {}

    static MemoryBackend create() {
        return new UnsafeBackend();
    }

    @Override
    String name() {
        return MemoryAccess.UNSAFE;
    }

    @Override
    MappedFiles.Mapping map(FileChannel channel, long position, int length) throws IOException {
        MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, position, length);
        Memory memory = new OffHeapMemory(addressOf(buffer), length, buffer);
        return new MappedFiles.Mapping(memory, () -> UnsafeMemory.UNSAFE.invokeCleaner(buffer));
    }

    @Override
    Memory allocateDirect(int length) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(length);
        return new OffHeapMemory(addressOf(buffer), length, buffer);
    }

    private static long addressOf(ByteBuffer buffer) {
        return UnsafeMemory.UNSAFE.getLong(buffer, BUFFER_ADDRESS_OFFSET);
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
