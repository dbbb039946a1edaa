package io.concurrentkvs.core.internal.memory;

import java.nio.ByteOrder;
import net.openhft.chronicle.core.UnsafeMemory;

/**
 * {@link Memory} over native memory (a mapped file or an allocation), accessed through Chronicle
 * Core's {@link UnsafeMemory}: the memory of Java 17-23 ({@code UnsafeBackend}; {@link ByteBufferMemory} is
 * that of 24+, see {@link MemoryAccess}).
 *
 * <p>The {@code owner} object keeps whatever holds the memory (a {@code MappedByteBuffer}) strongly
 * reachable for as long as this view is: the mapping is released only when the owner is collected.
 * Thread safety: as {@link Memory}.
 */
public final class OffHeapMemory extends Memory {
    private static final UnsafeMemory MEMORY = UnsafeMemory.MEMORY;

    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the region layout is little-endian; this platform is not");
        }
    }

    private final long address;

    @SuppressWarnings({"unused", "FieldCanBeLocal"})
    private final Object owner;

    public OffHeapMemory(long address, long capacity, Object owner) {
        super(capacity);
        if (address == 0 || (address & 7) != 0) {
            throw new IllegalArgumentException("address must be non-zero and 8-byte aligned: " + address);
        }
        this.address = address;
        this.owner = owner;
    }

    private long at(long offset, long length) {
        checkBounds(offset, length);
        return address + offset;
    }

    @Override
    public long getLong(long offset) {
        return MEMORY.readLong(at(offset, 8));
    }

    @Override
    public void putLong(long offset, long value) {
        MEMORY.writeLong(at(offset, 8), value);
    }

    @Override
    public long getLongAcquire(long offset) {
        return MEMORY.readVolatileLong(at(offset, 8));
    }

    @Override
    public void putLongRelease(long offset, long value) {
        MEMORY.writeOrderedLong(at(offset, 8), value);
    }

    @Override
    public long getLongVolatile(long offset) {
        return MEMORY.readVolatileLong(at(offset, 8));
    }

    @Override
    public void putLongVolatile(long offset, long value) {
        MEMORY.writeVolatileLong(at(offset, 8), value);
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        return MEMORY.compareAndSwapLong(at(offset, 8), expected, value);
    }

    @Override
    public long getAndAddLong(long offset, long delta) {
        return MEMORY.addLong(at(offset, 8), delta) - delta;
    }

    @Override
    public int getInt(long offset) {
        return MEMORY.readInt(at(offset, 4));
    }

    @Override
    public void putInt(long offset, int value) {
        MEMORY.writeInt(at(offset, 4), value);
    }

    @Override
    public int getIntAcquire(long offset) {
        return MEMORY.readVolatileInt(at(offset, 4));
    }

    @Override
    public void putIntRelease(long offset, int value) {
        MEMORY.writeOrderedInt(at(offset, 4), value);
    }

    @Override
    public int getIntVolatile(long offset) {
        return MEMORY.readVolatileInt(at(offset, 4));
    }

    @Override
    public void putIntVolatile(long offset, int value) {
        MEMORY.writeVolatileInt(at(offset, 4), value);
    }

    @Override
    public boolean compareAndSetInt(long offset, int expected, int value) {
        return MEMORY.compareAndSwapInt(at(offset, 4), expected, value);
    }

    @Override
    public void getBytes(long offset, byte[] dst, int dstIndex, int length) {
        checkArray(dst, dstIndex, length);
        MEMORY.readBytes(at(offset, length), dst, dstIndex, length);
    }

    @Override
    public void putBytes(long offset, byte[] src, int srcIndex, int length) {
        checkArray(src, srcIndex, length);
        MEMORY.writeBytes(at(offset, length), src, srcIndex, length);
    }

    @Override
    public void setMemory(long offset, long length, byte value) {
        MEMORY.setMemory(at(offset, length), length, value);
    }

    @Override
    public Memory slice(long offset, long length) {
        return new OffHeapMemory(at(offset, length), length, owner);
    }
}
