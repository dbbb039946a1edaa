package io.concurrentkvs.core.internal.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link Memory} over a direct {@link ByteBuffer} (a mapped file or an allocation), accessed through the
 * JDK's byte-buffer view {@link VarHandle}s: no {@code sun.misc.Unsafe}, so nothing for Java 24+ to warn
 * about.
 *
 * <p>The buffer must be direct, writable and start at an 8-byte aligned address (a mapping starts on a
 * page; see {@link MappedFiles#allocateDirect} for allocations), because the VarHandles refuse atomic
 * access at a misaligned address ({@link IllegalStateException}). Offsets of the atomic accessors must
 * therefore be aligned to their width; plain {@code get}/{@code put} accept any offset. A buffer has int
 * indexes, so a window is at most {@link Integer#MAX_VALUE} bytes. This view holds the buffer, and through
 * it the memory, strongly reachable. If the buffer's memory is released (a mapping's arena closed), every
 * later access throws {@link IllegalStateException} instead of touching the memory.
 *
 * <p>Thread safety: as {@link Memory}. Only absolute buffer operations are used, so the buffer's position
 * and limit, which are not thread-safe, never change; the view keeps its own duplicate of the buffer.
 */
public final class ByteBufferMemory extends Memory {
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** Source of {@link #setMemory} with zero, the common fill: a bulk copy is much faster than a loop. */
    private static final byte[] ZEROS = new byte[4096];

    private final ByteBuffer buffer;
    private final int base;

    /**
     * A view of all of {@code buffer}, from index 0 to its capacity (its position and limit are ignored).
     *
     * @throws IllegalArgumentException if the buffer is not direct, is read-only, or does not start at an
     *     8-byte aligned address
     */
    public ByteBufferMemory(ByteBuffer buffer) {
        this(checked(buffer).duplicate().clear(), 0, buffer.capacity());
    }

    private ByteBufferMemory(ByteBuffer buffer, int base, long capacity) {
        super(capacity);
        this.buffer = buffer;
        this.base = base;
    }

    private static ByteBuffer checked(ByteBuffer buffer) {
        if (!buffer.isDirect() || buffer.isReadOnly()) {
            throw new IllegalArgumentException("the buffer must be direct and writable: " + buffer);
        }
        if (buffer.alignmentOffset(0, 8) != 0) {
            throw new IllegalArgumentException("the buffer must start at an 8-byte aligned address: " + buffer);
        }
        return buffer;
    }

    /** The buffer index of {@code offset}; fits an int because the window lies inside the buffer. */
    private int at(long offset, long length) {
        checkBounds(offset, length);
        return base + (int) offset;
    }

    @Override
    public long getLong(long offset) {
        return (long) LONGS.get(buffer, at(offset, 8));
    }

    @Override
    public void putLong(long offset, long value) {
        LONGS.set(buffer, at(offset, 8), value);
    }

    @Override
    public long getLongAcquire(long offset) {
        return (long) LONGS.getAcquire(buffer, at(offset, 8));
    }

    @Override
    public void putLongRelease(long offset, long value) {
        LONGS.setRelease(buffer, at(offset, 8), value);
    }

    @Override
    public long getLongVolatile(long offset) {
        return (long) LONGS.getVolatile(buffer, at(offset, 8));
    }

    @Override
    public void putLongVolatile(long offset, long value) {
        LONGS.setVolatile(buffer, at(offset, 8), value);
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        return (boolean) LONGS.compareAndSet(buffer, at(offset, 8), expected, value);
    }

    @Override
    public long getAndAddLong(long offset, long delta) {
        return (long) LONGS.getAndAdd(buffer, at(offset, 8), delta);
    }

    @Override
    public int getInt(long offset) {
        return (int) INTS.get(buffer, at(offset, 4));
    }

    @Override
    public void putInt(long offset, int value) {
        INTS.set(buffer, at(offset, 4), value);
    }

    @Override
    public int getIntAcquire(long offset) {
        return (int) INTS.getAcquire(buffer, at(offset, 4));
    }

    @Override
    public void putIntRelease(long offset, int value) {
        INTS.setRelease(buffer, at(offset, 4), value);
    }

    @Override
    public int getIntVolatile(long offset) {
        return (int) INTS.getVolatile(buffer, at(offset, 4));
    }

    @Override
    public void putIntVolatile(long offset, int value) {
        INTS.setVolatile(buffer, at(offset, 4), value);
    }

    @Override
    public boolean compareAndSetInt(long offset, int expected, int value) {
        return (boolean) INTS.compareAndSet(buffer, at(offset, 4), expected, value);
    }

    @Override
    public void getBytes(long offset, byte[] dst, int dstIndex, int length) {
        checkArray(dst, dstIndex, length);
        buffer.get(at(offset, length), dst, dstIndex, length);
    }

    @Override
    public void putBytes(long offset, byte[] src, int srcIndex, int length) {
        checkArray(src, srcIndex, length);
        buffer.put(at(offset, length), src, srcIndex, length);
    }

    @Override
    public void setMemory(long offset, long length, byte value) {
        int from = at(offset, length);
        int end = from + (int) length;
        if (value == 0) {
            for (int i = from; i < end; ) {
                int chunk = Math.min(ZEROS.length, end - i);
                buffer.put(i, ZEROS, 0, chunk);
                i += chunk; // never past end, so no int overflow near a 2 GiB window's end
            }
            return;
        }
        int i = from;
        for (; i < end && (i & 7) != 0; i++) {
            buffer.put(i, value);
        }
        long word = (value & 0xFFL) * 0x0101_0101_0101_0101L;
        for (; i <= end - 8; i += 8) {
            LONGS.set(buffer, i, word);
        }
        for (; i < end; i++) {
            buffer.put(i, value);
        }
    }

    @Override
    public Memory slice(long offset, long length) {
        return new ByteBufferMemory(buffer, at(offset, length), length);
    }
}
