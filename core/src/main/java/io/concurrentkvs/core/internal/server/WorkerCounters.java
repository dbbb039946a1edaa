package io.concurrentkvs.core.internal.server;

import io.concurrentkvs.core.internal.region.Counters;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One worker's statistics: written only by the worker (a plain read-increment-release, no CAS), read by
 * the server's monitor thread, which publishes totals into the region header.
 */
final class WorkerCounters {
    private final AtomicLongArray counts = new AtomicLongArray(Counters.values().length);

    void increment(Counters counter) {
        int i = counter.ordinal();
        counts.lazySet(i, counts.get(i) + 1);
    }

    void add(Counters counter, long delta) {
        int i = counter.ordinal();
        counts.lazySet(i, counts.get(i) + delta);
    }

    long get(Counters counter) {
        return counts.get(counter.ordinal());
    }
}
