package io.concurrentkvs.core.internal.store;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the store noticed while serving: corrupt entries it refused to return and writes it refused for
 * lack of room. Thread safety: any thread may count and read.
 */
public final class StoreCounters {
    private final LongAdder corruptReads = new LongAdder();
    private final LongAdder capacityRejections = new LongAdder();

    void corruptRead() {
        corruptReads.increment();
    }

    void capacityRejected() {
        capacityRejections.increment();
    }

    /** Reads that found an entry whose bounds or checksum were wrong, and answered it absent. */
    public long corruptReads() {
        return corruptReads.sum();
    }

    /** Writes refused with {@code KvsCapacityException}. */
    public long capacityRejections() {
        return capacityRejections.sum();
    }
}
