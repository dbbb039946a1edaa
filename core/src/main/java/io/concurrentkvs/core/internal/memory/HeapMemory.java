package io.concurrentkvs.core.internal.memory;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@link Memory} over an {@link AtomicLongArray} on the Java heap.
 *
 * <p>It exists so the shared-memory algorithms can run in one process where model checkers (Lincheck,
 * which understands {@code AtomicLongArray} but not byte-array views) and tests can observe them. It has
 * the same orderings and bounds checks as {@link OffHeapMemory} and the same little-endian byte layout.
 * Offsets of 8-byte values must be 8-byte aligned and of 4-byte values 4-byte aligned. Writes narrower
 * than a word are CAS loops on the enclosing word, so they never clobber a neighbour. Slow; for tests
 * and in-process use only.
 */
public final class HeapMemory extends Memory {
    private final AtomicLongArray words;
    private final long base;

    public HeapMemory(int capacity) {
        this(new AtomicLongArray((capacity + 7) / 8), 0, capacity);
    }

    private HeapMemory(AtomicLongArray words, long base, long capacity) {
        super(capacity);
        this.words = words;
        this.base = base;
    }

    private int word(long offset, long length, int alignment) {
        checkBounds(offset, length);
        long absolute = base + offset;
        if ((absolute & (alignment - 1)) != 0) {
            throw new IllegalArgumentException("offset " + offset + " is not " + alignment + "-byte aligned");
        }
        return (int) (absolute >>> 3);
    }

    private static int shift(long absolute) {
        return (int) (absolute & 7) * 8;
    }

    @Override
    public long getLong(long offset) {
        return words.getPlain(word(offset, 8, 8));
    }

    @Override
    public void putLong(long offset, long value) {
        words.setPlain(word(offset, 8, 8), value);
    }

    @Override
    public long getLongAcquire(long offset) {
        return words.getAcquire(word(offset, 8, 8));
    }

    @Override
    public void putLongRelease(long offset, long value) {
        words.setRelease(word(offset, 8, 8), value);
    }

    @Override
    public long getLongVolatile(long offset) {
        return words.get(word(offset, 8, 8));
    }

    @Override
    public void putLongVolatile(long offset, long value) {
        words.set(word(offset, 8, 8), value);
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        return words.compareAndSet(word(offset, 8, 8), expected, value);
    }

    @Override
    public long getAndAddLong(long offset, long delta) {
        return words.getAndAdd(word(offset, 8, 8), delta);
    }

    @Override
    public int getInt(long offset) {
        return (int) (words.getPlain(word(offset, 4, 4)) >>> shift(base + offset));
    }

    @Override
    public void putInt(long offset, int value) {
        updateBits(word(offset, 4, 4), shift(base + offset), 0xFFFF_FFFFL, value & 0xFFFF_FFFFL);
    }

    @Override
    public int getIntAcquire(long offset) {
        return (int) (words.getAcquire(word(offset, 4, 4)) >>> shift(base + offset));
    }

    @Override
    public void putIntRelease(long offset, int value) {
        putInt(offset, value); // the CAS is stronger than release
    }

    @Override
    public int getIntVolatile(long offset) {
        return (int) (words.get(word(offset, 4, 4)) >>> shift(base + offset));
    }

    @Override
    public void putIntVolatile(long offset, int value) {
        putInt(offset, value);
    }

    @Override
    public boolean compareAndSetInt(long offset, int expected, int value) {
        int w = word(offset, 4, 4);
        int shift = shift(base + offset);
        long mask = 0xFFFF_FFFFL << shift;
        while (true) {
            long current = words.get(w);
            if ((int) (current >>> shift) != expected) {
                return false;
            }
            long next = (current & ~mask) | ((value & 0xFFFF_FFFFL) << shift);
            if (words.compareAndSet(w, current, next)) {
                return true;
            }
        }
    }

    private void updateBits(int w, int shift, long mask, long bits) {
        long shiftedMask = mask << shift;
        while (true) {
            long current = words.get(w);
            long next = (current & ~shiftedMask) | (bits << shift);
            if (words.compareAndSet(w, current, next)) {
                return;
            }
        }
    }

    private byte byteAt(long absolute) {
        return (byte) (words.getPlain((int) (absolute >>> 3)) >>> shift(absolute));
    }

    @Override
    public void getBytes(long offset, byte[] dst, int dstIndex, int length) {
        checkArray(dst, dstIndex, length);
        checkBounds(offset, length);
        for (int i = 0; i < length; i++) {
            dst[dstIndex + i] = byteAt(base + offset + i);
        }
    }

    @Override
    public void putBytes(long offset, byte[] src, int srcIndex, int length) {
        checkArray(src, srcIndex, length);
        checkBounds(offset, length);
        for (int i = 0; i < length; i++) {
            long absolute = base + offset + i;
            updateBits((int) (absolute >>> 3), shift(absolute), 0xFFL, src[srcIndex + i] & 0xFFL);
        }
    }

    @Override
    public void setMemory(long offset, long length, byte value) {
        checkBounds(offset, length);
        for (long i = 0; i < length; i++) {
            long absolute = base + offset + i;
            updateBits((int) (absolute >>> 3), shift(absolute), 0xFFL, value & 0xFFL);
        }
    }

    @Override
    public Memory slice(long offset, long length) {
        checkBounds(offset, length);
        return new HeapMemory(words, base + offset, length);
    }
}
