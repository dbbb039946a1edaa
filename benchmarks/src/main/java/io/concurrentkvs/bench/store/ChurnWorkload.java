package io.concurrentkvs.bench.store;

import io.concurrentkvs.bench.load.Keys;
import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.internal.store.SharedStore;
import io.concurrentkvs.core.internal.store.StoreLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A churn workload against one {@link SharedStore}: sets of new keys, overwrites and deletes of random live
 * keys, with random value sizes, keeping the live bytes near a target. Below the target two operations in
 * three insert a key never used before, the others delete or overwrite a live key; at or above it, an
 * operation deletes or overwrites (half each) a live key chosen uniformly. So live data hovers at the
 * target while every key is eventually replaced, the pattern that leaves holes in a slab allocator's pages;
 * and a store that refuses inserts still sees deletes, as an application that keeps running would do, so
 * live data then falls until the store takes writes again (or does not).
 *
 * <p>It keeps its own record of what it stored (index, value length) to choose victims, and its own sum of
 * live record bytes ({@link #liveBytes}), which must equal the store's {@code usage().liveBytes()}: a check of
 * the store's accounting as much as of the workload. A write the store rejects with
 * {@link KvsCapacityException} changes neither; it is counted, with the live bytes at the time.
 *
 * <p>Thread safety: one thread.
 */
final class ChurnWorkload {
    private final SharedStore store;
    private final SplittableRandom random;
    private final byte[] value;
    private long[] liveKeys = new long[1024];
    private int[] liveLengths = new int[1024];
    private int live;
    private long liveBytes;
    private long nextKey;
    private long rejected;
    /** Rejections that named a limit other than maxDataBytes (the entry limit or a segment's index). */
    private long rejectedForEntries;

    private long firstRejectionLiveBytes = -1;
    private long phaseFirstRejection = -1;
    private long phaseLowestRejection = -1;
    private int minValue;
    private int maxValue;
    private long targetBytes;

    ChurnWorkload(SharedStore store, long seed, int largestValue) {
        this.store = store;
        this.random = new SplittableRandom(seed);
        this.value = new byte[largestValue];
        random.nextBytes(value);
    }

    /** Value lengths drawn uniformly from {@code [min, max]} from now on, live bytes kept near {@code target}. */
    void configure(int min, int max, long target) {
        if (min < 0 || max < min || max > value.length) {
            throw new IllegalArgumentException(
                    "value sizes [" + min + ", " + max + "] outside [0, " + value.length + "]");
        }
        this.minValue = min;
        this.maxValue = max;
        this.targetBytes = target;
        this.phaseFirstRejection = -1;
        this.phaseLowestRejection = -1;
    }

    /** One operation: mostly inserts below the target, otherwise a delete or an overwrite. */
    void step() {
        if (live == 0 || (liveBytes < targetBytes && random.nextInt(3) != 0)) {
            insert();
        } else if (random.nextBoolean()) {
            delete(random.nextInt(live));
        } else {
            overwrite(random.nextInt(live));
        }
    }

    private void insert() {
        long index = nextKey++;
        byte[] key = Keys.varKey(index);
        int length = nextLength();
        if (write(key, length)) {
            if (live == liveKeys.length) {
                liveKeys = Arrays.copyOf(liveKeys, live * 2);
                liveLengths = Arrays.copyOf(liveLengths, live * 2);
            }
            liveKeys[live] = index;
            liveLengths[live] = length;
            live++;
            liveBytes += StoreLayout.recordLength(key.length, length);
        }
    }

    private void overwrite(int at) {
        byte[] key = Keys.varKey(liveKeys[at]);
        int length = nextLength();
        if (write(key, length)) {
            liveBytes += length - liveLengths[at];
            liveLengths[at] = length;
        }
    }

    private void delete(int at) {
        byte[] key = Keys.varKey(liveKeys[at]);
        if (!store.del(key)) {
            throw new IllegalStateException("live key " + liveKeys[at] + " was not in the store");
        }
        liveBytes -= StoreLayout.recordLength(key.length, liveLengths[at]);
        live--;
        liveKeys[at] = liveKeys[live];
        liveLengths[at] = liveLengths[live];
    }

    private boolean write(byte[] key, int length) {
        try {
            store.set(key, key.length, value, 0, length);
            return true;
        } catch (KvsCapacityException full) {
            if (!String.valueOf(full.getMessage()).contains("maxDataBytes")) {
                rejectedForEntries++;
            }
            if (rejected++ == 0) {
                firstRejectionLiveBytes = liveBytes;
            }
            if (phaseFirstRejection < 0) {
                phaseFirstRejection = liveBytes;
            }
            if (phaseLowestRejection < 0 || liveBytes < phaseLowestRejection) {
                phaseLowestRejection = liveBytes;
            }
            return false;
        }
    }

    private int nextLength() {
        return minValue + random.nextInt(maxValue - minValue + 1);
    }

    /** Live entries as this workload stored them. */
    int liveEntries() {
        return live;
    }

    /** Sum of {@code 24 + key + value} over the live entries. */
    long liveBytes() {
        return liveBytes;
    }

    /** Writes the store rejected as full, so far. */
    long rejected() {
        return rejected;
    }

    /** Writes rejected for a limit other than {@code maxDataBytes}, so far. */
    long rejectedForEntries() {
        return rejectedForEntries;
    }

    /** Live bytes when the first write was rejected; -1 if none was. */
    long firstRejectionLiveBytes() {
        return firstRejectionLiveBytes;
    }

    /** Live bytes at the first rejection since {@link #configure}; -1 if none. */
    long phaseFirstRejectionLiveBytes() {
        return phaseFirstRejection;
    }

    /** The lowest live bytes at a rejection since {@link #configure}; -1 if none. */
    long phaseLowestRejectionLiveBytes() {
        return phaseLowestRejection;
    }

    /** A live key's index and value length, for checks: {@code [index, length]}. */
    long[] liveEntry(int at) {
        return new long[] {liveKeys[at], liveLengths[at]};
    }
}
