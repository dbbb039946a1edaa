package io.concurrentkvs.core.internal.server;

import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Keeps each client's batches in ring order across several workers, so that operations one connection
 * issued without waiting take effect in the order it issued them (per-key order, SPEC 7.3).
 *
 * <p>A connection sends its batches one after another from a single driving thread, so their ring
 * indices are in issue order. Before a worker tries to take ring index {@code n} it announces
 * {@code (n, client of n)} in its own entry here, and only then CASes the consumer index: the CAS is a
 * full fence, so any worker that takes a later index afterwards sees the announcement. After taking an
 * index, a worker waits while another worker announces an earlier index of the same client; then it
 * applies its batch, and clears its entry. The wait depends only on other server threads making progress
 * on a batch they already hold, never on a client.
 *
 * <p>With one worker the ring is consumed in order anyway and no gate is used. Memory: two longs per
 * worker, each worker's pair on its own 128 bytes. Thread safety: each worker writes only its own entry;
 * any worker reads all of them.
 */
final class ClientOrderGate {
    private static final int STRIDE = 16;
    private static final int INDEX = 0;
    private static final int CLIENT = 1;
    private static final long NONE = -1;

    private final AtomicLongArray entries;
    private final int workers;

    ClientOrderGate(int workers) {
        this.workers = workers;
        this.entries = new AtomicLongArray(workers * STRIDE);
        for (int w = 0; w < workers; w++) {
            entries.set(w * STRIDE + INDEX, NONE);
        }
    }

    /** Worker {@code worker} is about to try to take ring index {@code index}, a batch of {@code client}. */
    void announce(int worker, long index, int client) {
        int base = worker * STRIDE;
        // Cleared first, so a reader that sees the new client with the old index fails its re-check.
        entries.setRelease(base + INDEX, NONE);
        entries.setRelease(base + CLIENT, client);
        entries.set(base + INDEX, index);
    }

    /** Worker {@code worker} holds no batch (its take failed, or its batch is applied). */
    void clear(int worker) {
        entries.setRelease(worker * STRIDE + INDEX, NONE);
    }

    /**
     * Returns once no other worker holds an earlier batch (a lower ring index than {@code index}) of
     * {@code client}. Called by worker {@code worker} after taking {@code index}.
     */
    void awaitEarlierBatches(int worker, long index, int client) {
        for (int w = 0; w < workers; w++) {
            if (w != worker) {
                awaitWorker(w * STRIDE, index, client);
            }
        }
    }

    private void awaitWorker(int base, long index, int client) {
        int spins = 0;
        while (true) {
            long held = entries.get(base + INDEX);
            if (held == NONE || held >= index) {
                return;
            }
            long heldClient = entries.get(base + CLIENT);
            if (entries.get(base + INDEX) != held) {
                continue;
            }
            if (heldClient != client) {
                return;
            }
            if (++spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** The listener through which worker {@code worker}'s ring consumer announces its takes here. */
    RingConsumer.TakeListener announcerFor(int worker, RequestRing ring) {
        return new RingConsumer.TakeListener() {
            @Override
            public void beforeTake(long index) {
                // The slot is published (its sequence said so), so its client index is the batch's.
                int client = ring.memory().getInt(ring.slotOffset(index) + RequestRingDescriptor.CLIENT_INDEX_OFFSET);
                announce(worker, index, client);
            }

            @Override
            public void takeFailed() {
                clear(worker);
            }
        };
    }
}
