package io.concurrentkvs.blocking;

import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.ring.RequestRing;

/**
 * Keeps a live server from answering, for timeout tests: it claims the next request-ring slot and does
 * not publish it, so the server's workers wait behind that slot until the server's stall timeout (set far
 * beyond the test by the caller). The public API cannot pause a server (stopping one makes calls fail
 * fast with {@code KvsUnavailableException} instead of timing out), hence the reach into core internals.
 *
 * <p>{@link #close()} publishes the slot as no client's ({@code -1}): the worker drops it and goes on,
 * and the mapping is released. Single-threaded test helper.
 */
final class FrozenRing implements AutoCloseable {
    private static final int NO_CLIENT = -1;

    private final Region region;
    private final long index;
    private boolean closed;

    private FrozenRing(Region region, long index) {
        this.region = region;
        this.index = index;
    }

    static FrozenRing freeze(KvsServer server) {
        Region region = Region.attach(server.path());
        long index = region.ring().claim(NO_CLIENT);
        if (index == RequestRing.FULL) {
            region.unmap();
            throw new IllegalStateException("request ring of " + server.name() + " is full");
        }
        return new FrozenRing(region, index);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            region.ring().publish(index);
            region.unmap();
        }
    }
}
