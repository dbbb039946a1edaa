package io.concurrentkvs.reactive;

import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.ring.RequestRing;

/**
 * Makes a live server unable to answer, the way SPEC section 4 describes a frozen client: it claims the
 * next request-ring slot and does not publish it, so workers wait behind that slot (until the server's
 * stall timeout, which tests using this set far beyond their own duration). Requests sent meanwhile
 * stay in flight, which is what cancellation and timeout tests need.
 *
 * <p>{@link #close()} publishes the slot; its claimant is no client ({@code -1}), so the worker drops it
 * and serves the requests queued behind it. Reaches into core internals on purpose: the public API has
 * no way to pause a server, and stopping one makes calls fail fast instead.
 */
final class FrozenProducer implements AutoCloseable {
    private static final int NO_CLIENT = -1;

    private final Region region; // keeps the mapping reachable while the ring is used
    private final RequestRing ring;
    private final long index;
    private boolean released;

    private FrozenProducer(Region region, RequestRing ring, long index) {
        this.region = region;
        this.ring = ring;
        this.index = index;
    }

    static FrozenProducer freeze(KvsServer server) {
        Region region = Region.attach(server.path());
        RequestRing ring = region.ring();
        long index = ring.claim(NO_CLIENT);
        if (index == RequestRing.FULL) {
            throw new IllegalStateException("request ring of " + server.name() + " is full");
        }
        return new FrozenProducer(region, ring, index);
    }

    /** Lets the server go on. Idempotent. */
    @Override
    public void close() {
        if (!released) {
            released = true;
            ring.publish(index);
        }
    }

    @Override
    public String toString() {
        return "FrozenProducer{" + region.path() + " index " + index + '}';
    }
}
