package io.concurrentkvs.core.internal.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@link Memory} over a Java {@code byte[]}, through {@link VarHandle} views.
 *
 * <p>It exists so the shared-memory algorithms can run in one process over ordinary heap memory, where
 * model checkers (Lincheck) and tests can observe them; it has the same orderings and bounds checks as
 * {@link OffHeapMemory}. Offsets of 4- and 8-byte values must be aligned to their size.
 */
public final class HeapMemory extends Memory {
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] bytes;
    private final int base;

    public HeapMemory(int capacity) {
        this(new byte[capacity], 0, capacity);
    }

    private HeapMemory(byte[] bytes, int base, int capacity) {
        super(capacity);
        this.bytes = bytes;
        this.base = base;
    }

    private int at(long offset, long length) {
        checkBounds(offset, length);
        return base + (int) offset;
    }

    @Override
    public long getLong(long offset) {
        return (long) LONGS.get(bytes, at(offset, 8));
    }

    @Override
    public void putLong(long offset, long value) {
        LONGS.set(bytes, at(offset, 8), value);
    }

    @Override
    public long getLongAcquire(long offset) {
        return (long) LONGS.getAcquire(bytes, at(offset, 8));
    }

    @Override
    public void putLongRelease(long offset, long value) {
        LONGS.setRelease(bytes, at(offset, 8), value);
    }

    @Override
    public long getLongVolatile(long offset) {
        return (long) LONGS.getVolatile(bytes, at(offset, 8));
    }

    @Override
    public void putLongVolatile(long offset, long value) {
        LONGS.setVolatile(bytes, at(offset, 8), value);
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        return LONGS.compareAndSet(bytes, at(offset, 8), expected, value);
    }

    @Override
    public long getAndAddLong(long offset, long delta) {
        return (long) LONGS.getAndAdd(bytes, at(offset, 8), delta);
    }

    @Override
    public int getInt(long offset) {
        return (int) INTS.get(bytes, at(offset, 4));
    }

    @Override
    public void putInt(long offset, int value) {
        INTS.set(bytes, at(offset, 4), value);
    }

    @Override
    public int getIntAcquire(long offset) {
        return (int) INTS.getAcquire(bytes, at(offset, 4));
    }

    @Override
    public void putIntRelease(long offset, int value) {
        INTS.setRelease(bytes, at(offset, 4), value);
    }

    @Override
    public int getIntVolatile(long offset) {
        return (int) INTS.getVolatile(bytes, at(offset, 4));
    }

    @Override
    public void putIntVolatile(long offset, int value) {
        INTS.setVolatile(bytes, at(offset, 4), value);
    }

    @Override
    public boolean compareAndSetInt(long offset, int expected, int value) {
        return INTS.compareAndSet(bytes, at(offset, 4), expected, value);
    }

    @Override
    public void getBytes(long offset, byte[] dst, int dstIndex, int length) {
        checkArray(dst, dstIndex, length);
        System.arraycopy(bytes, at(offset, length), dst, dstIndex, length);
    }

    @Override
    public void putBytes(long offset, byte[] src, int srcIndex, int length) {
        checkArray(src, srcIndex, length);
        System.arraycopy(src, srcIndex, bytes, at(offset, length), length);
    }

    @Override
    public void setMemory(long offset, long length, byte value) {
        int from = at(offset, length);
        Arrays.fill(bytes, from, from + (int) length, value);
    }

    @Override
    public Memory slice(long offset, long length) {
        return new HeapMemory(bytes, at(offset, length), (int) length);
    }
}
