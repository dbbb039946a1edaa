package io.concurrentkvs.core.internal.memory;

/**
 * A bounded window of bytes shared between threads or processes, with accessors named after the JDK's
 * memory orderings.
 *
 * <p>Every offset is relative to the window and bounds-checked: a corrupt length or index read from
 * shared memory can make an operation fail with {@link IndexOutOfBoundsException}, never touch memory
 * outside the window. Pairings: a {@code put...Release} publishes every plain write made before it to
 * any thread that later observes the value with {@code get...Acquire}; {@code compareAndSet...} and
 * {@code getAndAdd...} are full fences. Multi-byte values are little-endian.
 *
 * <p>Thread safety: instances are immutable views; concurrent use is the point. Plain accessors give
 * no ordering and are only safe for data that a release/acquire pair publishes.
 */
public abstract class Memory {
    private final long capacity;

    protected Memory(long capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Size of this window in bytes. */
    public final long capacity() {
        return capacity;
    }

    /**
     * Checks that {@code [offset, offset + length)} lies inside this window.
     *
     * @throws IndexOutOfBoundsException if it does not
     */
    protected final void checkBounds(long offset, long length) {
        if (offset < 0 || length < 0 || offset > capacity - length) {
            throw new IndexOutOfBoundsException(
                    "access [" + offset + ", +" + length + ") outside memory of " + capacity + " bytes");
        }
    }

    public abstract long getLong(long offset);

    public abstract void putLong(long offset, long value);

    public abstract long getLongAcquire(long offset);

    public abstract void putLongRelease(long offset, long value);

    public abstract long getLongVolatile(long offset);

    public abstract void putLongVolatile(long offset, long value);

    public abstract boolean compareAndSetLong(long offset, long expected, long value);

    /** Atomically adds {@code delta} and returns the previous value. */
    public abstract long getAndAddLong(long offset, long delta);

    public abstract int getInt(long offset);

    public abstract void putInt(long offset, int value);

    public abstract int getIntAcquire(long offset);

    public abstract void putIntRelease(long offset, int value);

    public abstract int getIntVolatile(long offset);

    public abstract void putIntVolatile(long offset, int value);

    public abstract boolean compareAndSetInt(long offset, int expected, int value);

    /** Copies {@code length} bytes from this window at {@code offset} into {@code dst[dstIndex...]}. */
    public abstract void getBytes(long offset, byte[] dst, int dstIndex, int length);

    /** Copies {@code length} bytes of {@code src[srcIndex...]} into this window at {@code offset}. */
    public abstract void putBytes(long offset, byte[] src, int srcIndex, int length);

    /** Sets {@code length} bytes at {@code offset} to {@code value}. */
    public abstract void setMemory(long offset, long length, byte value);

    /** Returns a view of {@code [offset, offset + length)} of this window sharing the same bytes. */
    public abstract Memory slice(long offset, long length);

    protected static void checkArray(byte[] array, int index, int length) {
        if (index < 0 || length < 0 || index > array.length - length) {
            throw new IndexOutOfBoundsException(
                    "array range [" + index + ", +" + length + ") outside array of " + array.length);
        }
    }
}
