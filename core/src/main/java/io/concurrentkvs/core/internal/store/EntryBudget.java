package io.concurrentkvs.core.internal.store;

import io.concurrentkvs.core.KvsCapacityException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store-wide entry count and its limit. A new key reserves one entry before anything is written, so
 * the {@code (maxEntries + 1)}-th distinct insert fails before it changes the store. Thread safety: any
 * thread.
 */
final class EntryBudget {
    private final String storeName;
    private final long maxEntries;
    private final AtomicLong entries = new AtomicLong();

    EntryBudget(String storeName, long maxEntries) {
        this.storeName = storeName;
        this.maxEntries = maxEntries;
    }

    /** @throws KvsCapacityException if the store holds {@code maxEntries} entries already */
    void reserve() {
        long now = entries.incrementAndGet();
        if (now > maxEntries) {
            entries.decrementAndGet();
            throw new KvsCapacityException("store '" + storeName + "' is full: maxEntries = " + maxEntries
                    + " entries, " + maxEntries + " in use");
        }
    }

    void release() {
        entries.decrementAndGet();
    }

    void set(long count) {
        entries.set(count);
    }

    long entries() {
        return entries.get();
    }

    String storeName() {
        return storeName;
    }
}
