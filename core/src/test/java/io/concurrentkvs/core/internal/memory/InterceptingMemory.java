package io.concurrentkvs.core.internal.memory;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Memory} for white-box tests that forwards everything to another and runs an action, once,
 * just before the first compare-and-set of a chosen word: so a test can make another party act inside
 * the window between two steps of an algorithm. Arm it with {@link #beforeCas}; thread-safe.
 */
public final class InterceptingMemory extends Memory {
    private final Memory delegate;
    private final AtomicReference<Interception> armed = new AtomicReference<>();

    private record Interception(long offset, Runnable action) {}

    public InterceptingMemory(Memory delegate) {
        super(delegate.capacity());
        this.delegate = delegate;
    }

    /** Runs {@code action} before the next {@code compareAndSetLong} at {@code offset}, then disarms. */
    public void beforeCas(long offset, Runnable action) {
        armed.set(new Interception(offset, action));
    }

    /** Whether the armed action has not run yet. */
    public boolean isArmed() {
        return armed.get() != null;
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        Interception interception = armed.get();
        if (interception != null && interception.offset() == offset && armed.compareAndSet(interception, null)) {
            interception.action().run();
        }
        return delegate.compareAndSetLong(offset, expected, value);
    }

    @Override
    public long getLong(long offset) {
        return delegate.getLong(offset);
    }

    @Override
    public void putLong(long offset, long value) {
        delegate.putLong(offset, value);
    }

    @Override
    public long getLongAcquire(long offset) {
        return delegate.getLongAcquire(offset);
    }

    @Override
    public void putLongRelease(long offset, long value) {
        delegate.putLongRelease(offset, value);
    }

    @Override
    public long getLongVolatile(long offset) {
        return delegate.getLongVolatile(offset);
    }

    @Override
    public void putLongVolatile(long offset, long value) {
        delegate.putLongVolatile(offset, value);
    }

    @Override
    public long getAndAddLong(long offset, long delta) {
        return delegate.getAndAddLong(offset, delta);
    }

    @Override
    public int getInt(long offset) {
        return delegate.getInt(offset);
    }

    @Override
    public void putInt(long offset, int value) {
        delegate.putInt(offset, value);
    }

    @Override
    public int getIntAcquire(long offset) {
        return delegate.getIntAcquire(offset);
    }

    @Override
    public void putIntRelease(long offset, int value) {
        delegate.putIntRelease(offset, value);
    }

    @Override
    public int getIntVolatile(long offset) {
        return delegate.getIntVolatile(offset);
    }

    @Override
    public void putIntVolatile(long offset, int value) {
        delegate.putIntVolatile(offset, value);
    }

    @Override
    public boolean compareAndSetInt(long offset, int expected, int value) {
        return delegate.compareAndSetInt(offset, expected, value);
    }

    @Override
    public void getBytes(long offset, byte[] dst, int dstIndex, int length) {
        delegate.getBytes(offset, dst, dstIndex, length);
    }

    @Override
    public void putBytes(long offset, byte[] src, int srcIndex, int length) {
        delegate.putBytes(offset, src, srcIndex, length);
    }

    @Override
    public void setMemory(long offset, long length, byte value) {
        delegate.setMemory(offset, length, value);
    }

    @Override
    public Memory slice(long offset, long length) {
        throw new UnsupportedOperationException("an intercepting memory is not sliced");
    }
}
